package dev.crflow.coordinator.it;

import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.spec.SpecReader;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the real coordinator jar as its own JVM on a real application, as the local executor does
 * (relaunch on exit 75 with CRFLOW_RESTART_COUNT + 1). Everything is checked through the control directory.
 */
public final class Harness {
    private Path mountedImages;
    /** The flags the executor renders (docs/contracts.md §5). */
    public static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx48m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");

    public final Path root;
    public final Path ctl;
    public final Path workdir;
    public final Map<String, Object> spec = new LinkedHashMap<>();
    public final Map<String, Object> policy = new LinkedHashMap<>();
    public final Map<String, String> extraEnv = new HashMap<>();
    private int restartCount;
    private Process current;

    public Harness(Path root) throws IOException {
        this.root = root;
        this.ctl = root.resolve("ctl");
        this.workdir = root.resolve("work");
        Files.createDirectories(workdir);
        try (InputStream in = Harness.class.getResourceAsStream("/apps/count_signal.py")) {
            Files.copy(in, workdir.resolve("count_signal.py"));
        }
        // the shape ModelJson writes for dev.crflow.dsl.model.Step
        spec.put("name", "count");
        spec.put("after", List.of());
        spec.put("command", Map.of("kind", "COMMAND", "text", "python3 count_signal.py 40 0.05"));
        spec.put("workdir", workdir.toString());
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("partition", null);
        res.put("time", "PT10M");
        res.put("timeMin", null);
        res.put("nodes", 1);
        res.put("ntasks", 1);
        res.put("cpusPerTask", 1);
        res.put("memMb", null);
        spec.put("resources", res);
        spec.put("env", Map.of());
        spec.put("modules", List.of());
        spec.put("sbatchExtra", List.of());
        policy.put("engine", "SIGNAL");
        policy.put("interval", null);
        policy.put("signal", "USR1");
        policy.put("lead", "PT60S");
        policy.put("forward", "USR1");
        policy.put("state", List.of("state"));
        policy.put("keep", 2);
        policy.put("maxRestarts", 10);
        policy.put("totalTime", null);
        spec.put("checkpoint", policy);
        spec.put("container", null);
        spec.put("retry", 0);
        spec.put("declaredAt", Map.of("file", "test.crflow", "line", 1, "column", 1));
    }

    public Harness command(String text) {
        spec.put("command", Map.of("kind", "COMMAND", "text", text));
        return this;
    }

    public void writeSpec() throws IOException {
        Files.createDirectories(ctl);
        Files.writeString(ctl.resolve("spec.json"), SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(spec));
    }

    public static Path jar() {
        Path jar = Path.of("target", "crflow-coordinator.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "run `mvn verify`: the ITs need the shaded jar " + jar);
        return jar;
    }

    /** Starts one attempt (a new coordinator JVM). */
    public Process start(String... extraArgs) throws IOException {
        writeSpec();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-jar", jar().toString(), "run", "--control", ctl.toString(), "--local"));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("coordinator.log").toFile()));
        pb.environment().put("CRFLOW_RESTART_COUNT", Integer.toString(restartCount));
        pb.environment().put("CRFLOW_JOB_ID", "test-" + restartCount);
        pb.environment().putAll(extraEnv);
        current = pb.start();
        return current;
    }

    /** Waits for the attempt; exit 75 means "relaunch me" (counted). */
    public int await(Process p, Duration timeout) throws Exception {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail("coordinator did not end within " + timeout + "; log:\n" + log());
        }
        if (p.exitValue() == 75) restartCount++;
        return p.exitValue();
    }

    /** Runs attempts until one does not ask for a relaunch. */
    public int runToEnd(Duration timeout) throws Exception {
        while (true) {
            int rc = await(start(), timeout);
            if (rc != 75) return rc;
        }
    }

    public void signal(Process p, String sig) {
        Posix.signalProcess((int) p.pid(), Signals.number(sig));
    }

    public int lines() throws IOException {
        Path out = workdir.resolve("out.txt");
        return Files.exists(out) ? (int) Files.lines(out).count() : 0;
    }

    public List<Integer> numbers() throws IOException {
        Path out = workdir.resolve("out.txt");
        if (!Files.exists(out)) return List.of();
        return Files.readAllLines(out).stream().filter(s -> !s.isBlank()).map(Integer::parseInt).toList();
    }

    public List<JournalEvent> journal() throws IOException { return Journal.read(ctl); }

    public List<JournalEvent> events(String name) throws IOException {
        return journal().stream().filter(e -> e.is(name)).toList();
    }

    public String log() {
        try {
            return Files.readString(root.resolve("coordinator.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public static void waitUntil(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(20);
        }
        fail("timed out waiting for " + what);
    }

    /** Waits until the application has printed at least {@code n} numbers in this attempt (out.txt grows). */
    public void waitForLines(int n) throws InterruptedException {
        waitUntil(n + " lines in out.txt", Duration.ofSeconds(30), () -> {
            try {
                return lines() >= n;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Ends the running coordinator, if any, and takes away the small images filesystem, if one was mounted. */
    public void kill() {
        if (current != null && current.isAlive()) current.destroyForcibly();
        if (mountedImages == null) return;
        try {
            new ProcessBuilder("umount", "-l", mountedImages.toString()).inheritIO().start().waitFor();
        } catch (IOException e) {
            // best effort, as the kill: the temporary directory goes with the test anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mountedImages = null;
    }

    /**
     * The control directory's {@code images/} on a 256 KiB tmpfs, for the full-filesystem cases; skipped, loudly,
     * without root or where a tmpfs cannot be mounted. {@link #kill} unmounts it.
     */
    public Path smallImagesFilesystem() throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED LOUDLY: mounting a small tmpfs for the full-filesystem case needs root");
        Path images = ctl.resolve("images");
        Files.createDirectories(images);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", images.toString())
                .inheritIO().start();
        Assumptions.assumeTrue(mount.waitFor() == 0, "SKIPPED LOUDLY: cannot mount a tmpfs here (container without CAP_SYS_ADMIN?)");
        mountedImages = images;
        return images;
    }
}
