package dev.crflow.executor.slurm;

import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.TestSteps;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchScriptRendererTest {
    static final CoordinatorLaunch COORDINATOR = new CoordinatorLaunch(Path.of("/usr/lib/jvm/java-17/bin/java"),
            Path.of("/opt/crflow/coordinator/target/crflow-coordinator.jar"), CoordinatorLaunch.DEFAULT_JVM_FLAGS);
    final BatchScriptRenderer renderer = new BatchScriptRenderer();

    static String golden(String name) throws IOException {
        try (InputStream in = BatchScriptRendererTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new IOException("missing golden file " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Regenerate with -Dcrflow.golden.update=true after a deliberate change, then review the diff. */
    static void assertGolden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("crflow.golden.update")) {
            Path p = Path.of("src/test/resources/golden", name);
            Files.writeString(p, actual);
        }
        assertEquals(golden(name), actual, "rendered script differs from golden/" + name);
    }

    @Test
    void rendersAFullyDressedStep() throws IOException {
        RenderRequest req = new RenderRequest(TestSteps.simulate(), "crflow-1a2b3c4d-simulate",
                Path.of("/work/.crflow/steps/simulate"), COORDINATOR, Optional.of(Duration.ofHours(71).plusMinutes(30)), List.of());
        assertGolden("simulate.sbatch", renderer.render(req));
    }

    @Test
    void rendersAMinimalStepWithExcludedNodes() throws IOException {
        RenderRequest req = new RenderRequest(TestSteps.minimal("count", List.of()), "crflow-1a2b3c4d-count",
                Path.of("/work/.crflow/steps/count"), COORDINATOR, Optional.empty(), List.of("n1", "n2"));
        assertGolden("minimal.sbatch", renderer.render(req));
    }

    @Test
    void lowersTheTimeLimitToTheRemainingBudget() {
        RenderRequest req = new RenderRequest(TestSteps.simulate(), "crflow-1a2b3c4d-simulate",
                Path.of("/w/ctl"), COORDINATOR, Optional.of(Duration.ofMinutes(20)), List.of());
        String s = renderer.render(req);
        assertTrue(s.contains("#SBATCH --time='0-00:20:00'\n"), s);
        assertTrue(s.contains("#SBATCH --time-min='0-00:20:00'\n"), s);
    }

    @Test
    void hostileValuesStayInsideTheirQuotes() throws IOException {
        String evil = "x'; touch /tmp/pwned; echo '$(id)`id`\\";
        Step base = TestSteps.simulate();
        Resources r = new Resources(Optional.of(evil), Optional.of("a b"), Optional.of("q\"q"), Optional.of("c&&d"),
                base.resources().time(), Optional.empty(), 1, 1, 1, Optional.empty());
        Step step = TestSteps.with(base, "simulate", List.of("mod'; rm -rf ~; '", "$(reboot)"), List.of("--gres=gpu:1'; id"), r);
        RenderRequest req = new RenderRequest(step, "crflow-1a2b3c4d-simulate", Path.of("/work/it's here/ctl $(id)"),
                COORDINATOR, Optional.empty(), List.of());
        String s = renderer.render(req);
        assertGolden("hostile.sbatch", s);
        // Every line bash executes: only 'module load' and 'exec', each argument one single-quoted word.
        for (String line : s.split("\n")) {
            if (line.startsWith("#") || line.isEmpty()) continue;
            assertTrue(line.startsWith("module load '") || line.startsWith("exec '"), line);
        }
    }

    @Test
    void hostileScriptRunsNothingButItsOwnWords() throws Exception {
        // Run the rendered module/exec lines through bash with 'module' and 'exec' replaced by printers:
        // proves bash sees exactly the intended words and nothing executes.
        String evil = "x'; touch /tmp/crflow-pwned; echo '$(touch /tmp/crflow-pwned)`touch /tmp/crflow-pwned`";
        Step step = TestSteps.with(TestSteps.simulate(), "simulate", List.of(evil), List.of(), TestSteps.simulate().resources());
        Path ctl = Path.of("/tmp/ctl " + evil.replace("/", "_"));
        String s = renderer.render(new RenderRequest(step, "crflow-1a2b3c4d-simulate", ctl, COORDINATOR, Optional.empty(), List.of()));
        String body = s.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceFirst("^exec ", "printf '[%s]' "))
                .reduce("module() { printf '<%s>' \"$@\"; }\n", (a, b) -> a + b + "\n");
        Files.deleteIfExists(Path.of("/tmp/crflow-pwned"));
        Process p = new ProcessBuilder("bash", "-c", body).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertFalse(Files.exists(Path.of("/tmp/crflow-pwned")), "injection executed");
        assertTrue(out.startsWith("<load><" + evil + ">"), out);
        assertTrue(out.contains("[--control][" + ctl + "]"), out);
    }

    @Test
    void refusesNewlinesThatWouldStartAShellLine() {
        Step step = TestSteps.with(TestSteps.simulate(), "simulate", List.of("ok\nrm -rf /"), List.of(), TestSteps.simulate().resources());
        assertThrows(IllegalArgumentException.class, () -> renderer.render(new RenderRequest(step, "crflow-1a2b3c4d-simulate",
                Path.of("/w"), COORDINATOR, Optional.empty(), List.of())));
    }

    @Test
    void refusesManagedExtraDirectives() {
        for (String bad : List.of("--signal=B:USR2@30", "--no-requeue", "--open-mode=truncate", "-o /tmp/x", "--output=/x",
                "--job-name=x", "--array=0-3", "rm -rf /", "")) {
            assertThrows(IllegalArgumentException.class, () -> ExtraDirectives.parse(bad), bad);
        }
        assertEquals(List.of("--gres=gpu:1"), ExtraDirectives.parse("--gres gpu:1").asArguments());
        assertEquals("#SBATCH -C 'knl'", ExtraDirectives.parse("-C knl").render());
        assertEquals("#SBATCH --exclusive", ExtraDirectives.parse("--exclusive").render());
    }

    @Test
    void rendersAJobArrayForSeveralSteps() throws IOException {
        RenderRequest req = new RenderRequest(TestSteps.minimal("a", List.of()), "crflow-1a2b3c4d-rerun",
                Path.of("/work/.crflow/steps/a"), COORDINATOR, Optional.empty(), List.of());
        String s = renderer.renderArray(req, List.of(Path.of("/work/.crflow/steps/a"), Path.of("/work/.crflow/steps/b's")),
                Path.of("/work/.crflow/arrays/1"));
        assertGolden("array.sbatch", s);
    }

    @Test
    void slurmTimes() {
        assertEquals("0-00:01:00", SlurmTime.limit(Duration.ofSeconds(30)));
        assertEquals("0-00:02:00", SlurmTime.limit(Duration.ofSeconds(90)));
        assertEquals("3-00:00:00", SlurmTime.limit(Duration.ofHours(72)));
        assertEquals(Duration.ofMinutes(5), SlurmTime.parse("5").orElseThrow());
        assertEquals(Duration.ofSeconds(65), SlurmTime.parse("1:05").orElseThrow());
        assertEquals(Duration.ofHours(49), SlurmTime.parse("2-01:00:00").orElseThrow());
        assertTrue(SlurmTime.parse("UNLIMITED").isEmpty());
    }
}
