package dev.crflow.snakemake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the real thing: Snakemake 7 (Debian) with a profile written by {@link ProfileWriter}, on the real local Slurm
 * cluster, with the real coordinator jar. {@code crflow snakemake} runs as this module's main class on the test
 * classpath (the same code ./crflow runs), so the test needs no separately built CLI jar.
 */
final class SnakemakeHarness implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Path repo;
    final Path work;
    final Path profile;
    final Path sbatchLog;
    final Path squeueLog;
    final Path bridgeLog;
    final Path statusLog;
    private final Path bin;
    private final List<Process> started = new ArrayList<>();

    /** The Snakemake this harness runs: Debian's 7 on PATH, or a Snakemake 9 named by $SNAKEMAKE9. */
    private final String snakemake;
    private final ProfileWriter.Target target;

    SnakemakeHarness(String name) throws Exception {
        this(name, ProfileWriter.Target.SNAKEMAKE_7);
    }

    SnakemakeHarness(String name, ProfileWriter.Target target) throws Exception {
        repo = repoRoot();
        this.target = target;
        this.snakemake = target == ProfileWriter.Target.SNAKEMAKE_9 ? snakemake9() : "snakemake";
        requireTools();
        work = Files.createDirectories(Path.of("target", "it", name + "-" + System.nanoTime()).toAbsolutePath());
        Path example = repo.resolve("examples/snakemake");
        for (String f : List.of("Snakefile", "count_app.py", "checkpoint.groovy")) Files.copy(example.resolve(f), work.resolve(f));
        bin = Files.createDirectories(work.resolve("bin"));
        sbatchLog = work.resolve("sbatch-calls.log");
        Path realSbatch = which("sbatch");
        // Counts every sbatch the bridge runs: the proof that a restarted Snakemake does not submit twice.
        writeExecutable(bin.resolve("sbatch"), "#!/bin/sh\necho \"$*\" >> '" + sbatchLog + "'\nexec '" + realSbatch + "' \"$@\"\n");
        squeueLog = work.resolve("squeue-calls.log");
        writeExecutable(bin.resolve("squeue"), "#!/bin/sh\necho \"$*\" >> '" + squeueLog + "'\nexec '" + which("squeue") + "' \"$@\"\n");
        profile = Files.createDirectories(work.resolve("profile"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        bridgeLog = work.resolve("bridge-calls.log");
        statusLog = work.resolve("status-client-calls.log");
        // `crflow snakemake` as this module's main class; every start of it (a JVM) is logged with its subcommand.
        Path bridge = bin.resolve("crflow-snakemake");
        writeExecutable(bridge, "#!/bin/sh\necho \"$1\" >> '" + bridgeLog + "'\nexec " + String.join(" ", List.of(java,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dcrflow.home=" + repo, SnakemakeMain.class.getName()).stream().map(ShellWords::quote).toList()) + " \"$@\"\n");
        // The Snakemake 7 profile as users get it: submit, the status sidecar and its sh client, cancel.
        new ProfileWriter(List.of(bridge.toString()), Optional.of(work.resolve("checkpoint.groovy")), 10, 30, 0, profile,
                target).write();
        if (target == ProfileWriter.Target.SNAKEMAKE_9) {
            // Snakemake 9 refuses one-letter --config keys (its key pattern needs two characters): n -> items.
            Path snakefile = work.resolve("Snakefile");
            Files.writeString(snakefile, Files.readString(snakefile).replace("config.get(\"n\",", "config.get(\"items\","));
            installPlugin();
            return;
        }
        // Count the status client's calls too (a wrapper in front of it): calls minus JVM status starts = fast answers.
        Path client = profile.resolve(ProfileWriter.STATUS_SCRIPT);
        Path counting = bin.resolve("counting-status");
        writeExecutable(counting, "#!/bin/sh\necho \"$1\" >> '" + statusLog + "'\nexec " + ShellWords.quote(client.toString()) + " \"$@\"\n");
        Path config = profile.resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("cluster-status: \"" + client + "\"",
                "cluster-status: \"" + counting + "\""));
        assertTrue(Files.readString(config).contains(counting.toString()), Files.readString(config));
    }

    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("coordinator/pom.xml")) && Files.isRegularFile(d.resolve("crflow"))) return d;
        }
        throw new IllegalStateException("not inside the crflow source tree: " + Path.of("").toAbsolutePath());
    }

    private void requireTools() throws Exception {
        boolean slurm = false;
        for (int i = 0; i < 5 && !slurm; i++) {     // the shared cluster may be restarting: give it a few seconds
            slurm = run(List.of("sinfo", "-h", "-o", "%T")).map(s -> s.contains("idle") || s.contains("mix") || s.contains("alloc")).orElse(false);
            if (!slurm) Thread.sleep(3000);
        }
        // Failures, not skips: CI always has both, and a skip here would hide a broken bridge.
        assertTrue(slurm,
                "no Slurm cluster answers `sinfo`; start it with scripts/local-slurm up --nodes 2");
        if (target == ProfileWriter.Target.SNAKEMAKE_9) {
            assumeTrue(run(List.of(snakemake, "--version")).map(v -> v.startsWith("9.") || v.startsWith("8.")).orElse(false),
                    "SKIPPED LOUDLY: $SNAKEMAKE9=" + snakemake + " does not run a Snakemake 8/9 (`--version`)");
        } else {
            assertTrue(run(List.of("snakemake", "--version")).map(v -> v.startsWith("7.")).orElse(false),
                    "Snakemake 7 is not on PATH; install it with scripts/install-deps (or apt-get install -y snakemake)");
        }
        assumeTrue(Files.isRegularFile(repo.resolve("coordinator/target/crflow-coordinator.jar")),
                "SKIPPED: coordinator/target/crflow-coordinator.jar is missing; run mvn verify with -am (it is built in package)");
    }

    /**
     * The Snakemake 8/9 executable: {@code $SNAKEMAKE9}, else /opt/snakemake9/bin/snakemake (the documented place for
     * a hand-made install, docs/snakemake.md). The ITs that need it skip LOUDLY where it is absent.
     */
    static String snakemake9() {
        String env = System.getenv("SNAKEMAKE9");
        String exe = env != null && !env.isBlank() ? env : "/opt/snakemake9/bin/snakemake";
        assumeTrue(Files.isExecutable(Path.of(exe)), "SKIPPED LOUDLY: no Snakemake 9 at " + exe
                + " (set SNAKEMAKE9 to a Snakemake 8/9 executable; Snakemake 9 is not in Debian, see docs/snakemake.md):"
                + " the crflow executor plugin was NOT tested against a real Snakemake 9 in this run");
        return exe;
    }

    /** Builds the plugin's wheel offline and installs it into this test's own directory (put on PYTHONPATH). */
    private void installPlugin() throws Exception {
        Path src = repo.resolve("engine-bridge/snakemake/python");
        Path dist = Files.createDirectories(work.resolve("plugin-dist"));
        Path build = work.resolve("plugin-build");
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                String rel = src.relativize(p).toString();
                if (rel.contains("__pycache__") || rel.startsWith("build") || rel.contains(".egg-info") || rel.startsWith("dist")) continue;
                if (Files.isDirectory(p)) Files.createDirectories(build.resolve(rel));
                else Files.copy(p, build.resolve(rel));
            }
        }
        String py = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        for (List<String> cmd : List.of(
                List.of(py, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist.toString(), build.toString()),
                List.of(py, "-m", "pip", "install", "--no-deps", "--no-index", "--find-links", dist.toString(), "--target",
                        work.resolve("plugin-site").toString(), "snakemake-executor-plugin-crflow"))) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ":\n" + out);
        }
    }

    private static Optional<String> run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) { p.destroyForcibly(); return Optional.empty(); }
            return p.exitValue() == 0 ? Optional.of(out.strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Path which(String program) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        throw new IllegalStateException(program + " is not on PATH");
    }

    private static void writeExecutable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    /** Starts {@code snakemake --profile P ARGS} in the work directory, output to {@code log}. */
    /**
     * A test run starts Snakemake from a background process, where SIGINT is ignored, and Python then never raises
     * KeyboardInterrupt. Snakemake 9 treats SIGTERM as "exit after the running jobs finish"; only SIGINT (Ctrl-C) makes
     * it cancel its jobs through the executor plugin. So SIGINT is set back to its default before exec'ing Snakemake.
     */
    private static final String DEFAULT_SIGINT =
            "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])";

    Process snakemake(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", DEFAULT_SIGINT, snakemake, "--profile", profile.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("CRFLOW_CACHE_DIR", work.resolve("cache").toString());
        if (target == ProfileWriter.Target.SNAKEMAKE_9) {
            // Snakemake finds executor plugins by module name on its path: the wheel installed for this test.
            String pp = env.get("PYTHONPATH");
            env.put("PYTHONPATH", work.resolve("plugin-site") + (pp == null || pp.isBlank() ? "" : ":" + pp));
        }
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Ctrl-C: Snakemake cancels its active jobs (through the executor plugin's cancel_jobs on 8/9) and exits. */
    static void interrupt(Process p) throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
    }

    int await(Process p, Duration timeout, Path log) throws Exception {
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("snakemake did not finish within " + timeout + "; its log:\n" + tail(log) + "\n" + diagnostics());
        }
        return p.exitValue();
    }

    static void waitFor(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(500);
        }
        fail("timed out after " + timeout + " waiting for: " + what);
    }

    Path stepsDir() { return work.resolve(".crflow/snakemake/steps"); }

    /** The one control directory of this run's only rule job. */
    Path onlyControlDir() throws IOException {
        try (Stream<Path> s = Files.list(stepsDir())) {
            List<Path> dirs = s.toList();
            if (dirs.size() != 1) fail("expected one control directory, found " + dirs);
            return dirs.get(0);
        }
    }

    /** Whether the bridge holds a hard-link net for this declared output of the only job. */
    boolean netted(String output) throws IOException {
        Path nets = work.resolve(".crflow/snakemake/nets");
        if (!Files.isDirectory(nets)) return false;
        try (Stream<Path> s = Files.list(nets)) {
            return s.anyMatch(d -> Files.isRegularFile(d.resolve(output)));
        }
    }

    List<String> submittedJobIds() throws IOException {
        Path jobs = work.resolve(".crflow/snakemake/jobs");
        if (!Files.isDirectory(jobs)) return List.of();
        try (Stream<Path> s = Files.list(jobs)) {
            return s.map(p -> p.getFileName().toString().replace(".json", "")).sorted().toList();
        }
    }

    List<JsonNode> journal(Path ctl) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Path j = ctl.resolve("journal.jsonl");
        if (!Files.exists(j)) return out;
        for (String line : Files.readAllLines(j)) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException torn) {
                // a line being written
            }
        }
        return out;
    }

    long events(Path ctl, String event) throws IOException {
        return journal(ctl).stream().filter(n -> event.equals(n.path("event").asText())).count();
    }

    /** How many times `crflow snakemake SUBCOMMAND` (a JVM) was started. */
    long bridgeCalls(String subcommand) throws IOException {
        return Files.exists(bridgeLog) ? Files.readAllLines(bridgeLog).stream().filter(subcommand::equals).count() : 0;
    }

    /** How many times Snakemake ran its status command. */
    long statusClientCalls() throws IOException {
        return Files.exists(statusLog) ? Files.readAllLines(statusLog).size() : 0;
    }

    long squeueCalls() throws IOException {
        return Files.exists(squeueLog) ? Files.readAllLines(squeueLog).size() : 0;
    }

    int sbatchCalls() throws IOException {
        return Files.exists(sbatchLog) ? Files.readAllLines(sbatchLog).size() : 0;
    }

    List<String> lines(String relative) throws IOException {
        Path f = work.resolve(relative);
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    static String tail(Path f) {
        try {
            List<String> l = Files.readAllLines(f);
            return String.join("\n", l.subList(Math.max(0, l.size() - 60), l.size()));
        } catch (IOException e) {
            return "(no " + f + ")";
        }
    }

    String diagnostics() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.exists(stepsDir()) ? Files.list(stepsDir()) : Stream.empty()) {
            for (Path ctl : s.toList()) {
                b.append("== ").append(ctl).append("/stderr.log\n").append(tail(ctl.resolve("stderr.log"))).append('\n');
                b.append("== journal\n").append(tail(ctl.resolve("journal.jsonl"))).append('\n');
            }
        } catch (IOException e) {
            b.append(e);
        }
        return b.toString();
    }

    /** Cancels only the jobs this test submitted; stops any Snakemake it started. */
    @Override
    public void close() throws Exception {
        for (Process p : started) if (p.isAlive()) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        List<String> ids = submittedJobIds();
        if (!ids.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("scancel"));
            cmd.addAll(ids);
            new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
