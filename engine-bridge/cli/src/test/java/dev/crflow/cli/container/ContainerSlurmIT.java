package dev.crflow.cli.container;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * examples/container on the real local Slurm with real podman, driven by the real {@code crflow run --executor slurm}:
 * the step is preempted on demand ({@code scancel --batch -s USR1 JOB}), checkpointed, requeued and resumed in a new
 * container, once with the application's own signal handler, once with DMTCP inside the container.
 */
class ContainerSlurmIT {
    static final String CONF = "[containers]\ndefault_ulimits = []\n[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\n";

    @TempDir Path tmp;
    Path root;
    Path conf;
    String jobId;
    Process driver;

    @AfterEach
    void cleanup() throws Exception {
        if (driver != null && driver.isAlive()) driver.destroyForcibly();
        if (jobId != null) {
            run(List.of("scancel", jobId));   // only the job this test submitted; no-op once it has ended
            run(List.of("podman", "rm", "--force", "--ignore", "crflow-count-" + jobId));
        }
    }

    private void prerequisites() throws Exception {
        root = Path.of("").toAbsolutePath().resolve("../..").normalize();
        for (String jar : List.of("coordinator/target/crflow-coordinator.jar", "engine-bridge/cli/target/crflow.jar")) {
            assertTrue(Files.exists(root.resolve(jar)), "run mvn verify: the IT needs " + jar);
        }
        // Failures, not skips: CI always has both, and a skip here would hide a broken container path.
        assertTrue(onPath("podman"), "podman is not installed: run scripts/install-deps (podman, runc)");
        assertTrue(onPath("sbatch") && run(List.of("sinfo", "-h", "-o", "%a")).contains("up"),
                "no local Slurm answers: start it with scripts/local-slurm up --nodes 2");
        conf = tmp.resolve("containers.conf");
        Files.writeString(conf, CONF);
        String built = run(List.of("bash", root.resolve("examples/container/build-image.sh").toString()));
        assertTrue(built.contains("localhost/crflow-count:"), built);
    }

    @Test
    void signalEngineStepInPodmanIsPreemptedRequeuedAndResumedOnSlurm() throws Exception {
        prerequisites();
        Path wf = tmp.resolve("count.groovy");
        Files.copy(root.resolve("examples/container/count_signal.sh"), tmp.resolve("count_signal.sh"));
        Files.writeString(wf, Files.readString(root.resolve("examples/container/count.groovy"))
                .replace("command 'bash count_signal.sh 300 0.2'",
                        "command 'if [ -e /run/.containerenv ]; then echo inside > where.txt; fi; bash count_signal.sh 120 0.1'"));
        preemptOnceAndFinish(wf, 10);

        List<Integer> numbers = numbers();
        assertEquals(IntStream.rangeClosed(1, 120).boxed().toList(), numbers, "each number exactly once, in order");
        assertEquals("inside", Files.readString(tmp.resolve("where.txt")).trim(), "the application ran inside the container");
        assertJournal("signal");
    }

    @Test
    void dmtcpInsideThePodmanContainerIsPreemptedRequeuedAndRestartedOnSlurm() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/opt/dmtcp/bin/dmtcp_launch")),
                "SKIPPED: DMTCP is not installed at /opt/dmtcp (built by hand, never packaged): nothing to bind-mount into the container");
        prerequisites();
        Path wf = tmp.resolve("count-dmtcp.groovy");
        Files.writeString(wf, Files.readString(root.resolve("examples/container/count-dmtcp.groovy"))
                .replace("command 'i=0; while [ $i -lt 300 ]", "command 'if [ -e /run/.containerenv ]; then echo inside > where.txt; fi; i=0; while [ $i -lt 100 ]")
                .replace("sleep 0.2", "sleep 0.1"));
        preemptOnceAndFinish(wf, 15);

        List<Integer> numbers = numbers();
        assertEquals(IntStream.rangeClosed(1, 100).boxed().toList(), new HashSet<>(numbers).stream().sorted().toList(), "none missing");
        assertEquals(1, numbers.stream().filter(n -> n == 1).count(), "restarted from the DMTCP image, not from scratch: " + numbers
                + "\n--- journal:\n" + Files.readString(ctl().resolve("journal.jsonl")) + "\n--- job log:\n" + Files.readString(ctl().resolve("stderr.log")));
        assertEquals("inside", Files.readString(tmp.resolve("where.txt")).trim());
        assertJournal("dmtcp");
        String log = Files.readString(ctl().resolve("stderr.log"));
        assertTrue(log.contains("dmtcp-restart --run-dir"), log);
    }

    private void preemptOnceAndFinish(Path wf, int linesBeforePreemption) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcrflow.home=" + root, "-Dcrflow.java=" + Path.of(System.getProperty("java.home"), "bin", "java"),
                "-jar", root.resolve("engine-bridge/cli/target/crflow.jar").toString(),
                "run", wf.toString(), "--executor", "slurm", "--workdir", tmp.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("driver.log").toFile());
        pb.environment().put("CONTAINERS_CONF", conf.toString());
        driver = pb.start();
        Path jobJson = ctl().resolve("job.json");
        waitUntil("the job to be submitted", Duration.ofSeconds(60), () -> Files.exists(jobJson));
        Matcher m = Pattern.compile("\"jobId\"\\s*:\\s*\"(\\d+)\"").matcher(Files.readString(jobJson));
        assertTrue(m.find(), Files.readString(jobJson));
        jobId = m.group(1);
        waitUntil(linesBeforePreemption + " numbers in the first attempt", Duration.ofSeconds(120), () -> lines() >= linesBeforePreemption);
        run(List.of("scancel", "--batch", "-s", "USR1", jobId));
        if (!driver.waitFor(300, TimeUnit.SECONDS)) fail("crflow run did not finish; driver log:\n" + driverLog());
        assertEquals(0, driver.exitValue(), driverLog() + "\n--- job log:\n" + Files.readString(ctl().resolve("stderr.log")));
    }

    private void assertJournal(String engine) throws IOException {
        List<JournalEvent> events = Journal.read(ctl());
        List<JournalEvent> ckpts = events.stream().filter(e -> e.is(JournalEvent.CHECKPOINT)).toList();
        assertTrue(ckpts.stream().anyMatch(e -> e.ok().orElse(false) && e.trigger().orElse("").equals("signal")), events.toString());
        List<JournalEvent> starts = events.stream().filter(e -> e.is(JournalEvent.ATTEMPT_START)).toList();
        assertEquals(2, starts.size(), events.toString());
        assertEquals(jobId, String.valueOf(starts.get(1).raw().get("jobId")), "requeued: the same Slurm job");
        assertEquals(1, starts.get(1).integer("fromGeneration").orElse(-1));
        assertEquals(engine, String.valueOf(starts.get(1).raw().get("engine")));
        assertEquals(Outcome.COMPLETED, ControlDir.of(ctl()).readResult().orElseThrow().outcome());
    }

    private Path ctl() { return tmp.resolve(".crflow/steps/count"); }

    private int lines() {
        try {
            Path out = tmp.resolve("out.txt");
            return Files.exists(out) ? (int) Files.lines(out).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private List<Integer> numbers() throws IOException {
        return Files.readAllLines(tmp.resolve("out.txt")).stream().filter(s -> !s.isBlank()).map(Integer::parseInt).toList();
    }

    private String driverLog() {
        try {
            return Files.readString(tmp.resolve("driver.log"));
        } catch (IOException e) {
            return "(no driver log)";
        }
    }

    private String run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        if (conf != null) pb.environment().put("CONTAINERS_CONF", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(120, TimeUnit.SECONDS);
        return out;
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) return true;
        }
        return false;
    }

    private static void waitUntil(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(100);
        }
        fail("timed out waiting for " + what);
    }
}
