package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the real {@code crflow} (the shaded jar ./crflow runs, as a subprocess) against the real local Slurm cluster,
 * in a work directory of its own with a copy of the count example.
 */
final class Crflow {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path REPO = findRepo();
    static final Path CLI_JAR = REPO.resolve("engine-bridge/cli/target/crflow.jar");
    static final Path COORDINATOR_JAR = REPO.resolve("coordinator/target/crflow-coordinator.jar");

    final Path work;

    Crflow(String name) throws IOException {
        work = REPO.resolve("examples/target/it-work").resolve(name + "-" + System.currentTimeMillis());
        Files.createDirectories(work);
        Files.copy(REPO.resolve("examples/count/count.py"), work.resolve("count.py"));
    }

    private static Path findRepo() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("crflow")) && Files.isDirectory(d.resolve("coordinator"))) return d;
        }
        throw new IllegalStateException("cannot find the crflow repository above " + Path.of("").toAbsolutePath());
    }

    /** Skips (loudly) when the cluster is down: these tests need scripts/local-slurm up. */
    static void assumeSlurm() {
        boolean up;
        try {
            Process p = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            up = p.waitFor() == 0 && (out.contains("idle") || out.contains("mix") || out.contains("alloc"));
        } catch (IOException | InterruptedException e) {
            up = false;
        }
        Assumptions.assumeTrue(up, "SKIPPED: no usable Slurm cluster (`sinfo` shows no idle node). Start it with: scripts/local-slurm up");
        if (!Files.isRegularFile(CLI_JAR) || !Files.isRegularFile(COORDINATOR_JAR)) {
            fail("the jars are missing (" + CLI_JAR + ", " + COORDINATOR_JAR + "): run `mvn -B package -DskipTests -pl engine-bridge/cli -am` or ./crflow --version first");
        }
    }

    static long usableNodes() throws Exception {
        return Run.sh("sinfo", "-h", "-N", "-o", "%N %T").lines()
                .filter(l -> l.matches(".* (idle|mixed|allocated|completing)")).count();
    }

    /** Writes a count workflow (the example's, with the given step body) into the work directory. */
    Path workflow(String stepBody) throws IOException {
        Path f = work.resolve("count.groovy");
        Files.writeString(f, "workflow('count-it') {\n  step('count') {\n    command 'python3 ../count.py'\n    workdir 'work'\n"
                + stepBody + "\n  }\n}\n");
        return f;
    }

    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Dcrflow.home=" + REPO, "-Dcrflow.java=" + javaBin(), "-jar", CLI_JAR.toString()));
        cmd.addAll(List.of(args));
        // every command but drain (which finds its jobs in squeue, whatever run they belong to) works on one run
        if (args.length == 0 || !args[0].equals("drain")) {
            cmd.add("--workdir");
            cmd.add(work.toString());
        }
        return cmd;
    }

    static String javaBin() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    /** Starts a crflow command in the background; its output goes to {@code <work>/<log>}. */
    Process start(String log, String... args) throws IOException {
        return new ProcessBuilder(command(args)).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(log).toFile())).start();
    }

    /** Runs a crflow command to its end; answers its exit code. */
    int run(Duration timeout, String log, String... args) throws Exception {
        Process p = start(log, args);
        if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail("crflow " + String.join(" ", args) + " did not finish within " + timeout + "; log:\n" + log(log));
        }
        return p.exitValue();
    }

    String log(String name) throws IOException {
        Path p = work.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    Path ctl() { return work.resolve(".crflow/steps/count"); }

    JsonNode status() throws Exception {
        Process p = new ProcessBuilder(command("status", "--json")).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return JSON.readTree(out);
    }

    List<JsonNode> journal() throws IOException {
        Path j = ctl().resolve("journal.jsonl");
        if (!Files.exists(j)) return List.of();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(j)) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException ignored) {
                // torn last line
            }
        }
        return out;
    }

    List<JsonNode> events(String name) throws IOException {
        return journal().stream().filter(e -> e.path("event").asText().equals(name)).collect(Collectors.toList());
    }

    String jobId() throws IOException {
        Path job = ctl().resolve("job.json");
        return Files.exists(job) ? JSON.readTree(job.toFile()).path("jobId").asText() : "";
    }

    /**
     * Three warnings on demand ({@code scancel --batch -s USR1}), each once the attempt has counted 8 more numbers; before
     * the second, the step's node is drained so the requeued job can only start on the other one (when two are usable).
     * Waits for the driver to finish with exit 0. Answers the node drained (empty with one node).
     */
    String warnThreeTimesSecondOntoTheOtherNode(Process driver, String reason) throws Exception {
        boolean twoNodes = usableNodes() >= 2;
        String drained = null;
        String first = "";
        try {
            for (int preemption = 1; preemption <= 3; preemption++) {
                int attempt = preemption;
                await("attempt " + attempt + " counting", Duration.ofMinutes(3), unchecked(() ->
                        events("attempt-start").size() >= attempt && PreemptOnDemandIT.countedSoFar(this) >= attempt * 8));
                String job = jobId();
                if (preemption == 2 && twoNodes) {
                    drained = Run.sh("squeue", "-h", "-j", job, "-o", "%N").strip();
                    first = drained;
                    Run.sh("scontrol", "update", "NodeName=" + drained, "State=DRAIN", "Reason=crflow-" + reason);
                }
                Run.sh("scancel", "--batch", "-s", "USR1", job);
                await("attempt " + (attempt + 1) + " to start", Duration.ofMinutes(2), unchecked(() ->
                        events("attempt-start").size() >= attempt + 1));
                if (drained != null) {
                    String now = Run.sh("squeue", "-h", "-j", jobId(), "-o", "%N").strip();
                    Run.sh("scontrol", "update", "NodeName=" + drained, "State=RESUME");
                    org.junit.jupiter.api.Assertions.assertTrue(now.startsWith("node"), "running: " + now);
                    org.junit.jupiter.api.Assertions.assertNotEquals(drained, now, "started again on the other node");
                    drained = null;
                }
            }
            org.junit.jupiter.api.Assertions.assertTrue(driver.waitFor(4, java.util.concurrent.TimeUnit.MINUTES), "driver did not finish: " + log("run.log"));
            assertEquals(0, driver.exitValue(), log("run.log"));
        } finally {
            driver.destroyForcibly();
            if (drained != null) Run.sh("scontrol", "update", "NodeName=" + drained, "State=RESUME");
        }
        return first;
    }

    /** 1..n, each exactly once, in order. */
    void assertCountedExactlyOnce(int n) throws IOException {
        List<String> lines = Files.readAllLines(work.resolve("work/count.out"));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= n; i++) expected.add(Integer.toString(i));
        assertEquals(expected, lines, "count.out must hold 1.." + n + " each exactly once");
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) fail("timed out after " + timeout + " waiting for: " + what);
            Thread.sleep(250);
        }
    }

    static BooleanSupplier unchecked(ThrowingSupplier s) {
        return () -> {
            try {
                return s.get();
            } catch (Exception e) {
                return false;
            }
        };
    }

    interface ThrowingSupplier { boolean get() throws Exception; }

    /** Small helpers for Slurm commands. */
    static final class Run {
        static String sh(String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed (" + code + "): " + out);
            return out;
        }
    }
}
