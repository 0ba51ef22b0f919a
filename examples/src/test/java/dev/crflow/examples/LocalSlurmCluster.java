package dev.crflow.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Test support for integration tests that need the real local Slurm cluster started by
 * {@code scripts/local-slurm up}. Every Slurm command runs as a {@code List<String>} through
 * {@link ProcessBuilder}; nothing goes through a shell.
 */
final class LocalSlurmCluster {

    static final String HOW_TO_START = "start it with: sudo scripts/local-slurm up --nodes 2 (scripts/test does this)";

    /** Job states after which a job never runs again without outside help. */
    static final Set<String> FINAL_STATES = Set.of(
            "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
            "BOOT_FAIL", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT", "REVOKED");

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(500);

    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private final List<String> nodes;

    private LocalSlurmCluster(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** The probe's outcome, shared by every test of this JVM: a missing cluster costs one probe, not one per test. */
    private static LocalSlurmCluster probed;
    private static String probeFailure;

    /** The running cluster, or a test failure that says how to start it (CI always has one: never a skip). */
    static synchronized LocalSlurmCluster require() {
        if (probed == null && probeFailure == null) {
            try {
                probed = probe();
            } catch (AssertionError e) {
                probeFailure = e.getMessage();
            }
        }
        if (probeFailure != null) {
            fail(probeFailure);
        }
        return probed;
    }

    private static LocalSlurmCluster probe() {
        String conf = System.getenv().getOrDefault("SLURM_CONF", "/etc/slurm/slurm.conf");
        if (!Files.exists(Path.of(conf))) {
            // Without a config sinfo retries for a minute before it gives up.
            fail("no Slurm configuration at " + conf + "; " + HOW_TO_START);
        }
        Result sinfo;
        try {
            sinfo = run(List.of("sinfo", "-h", "-N", "-o", "%N"));
        } catch (IOException e) {
            fail("Slurm is not installed or not on PATH (" + e.getMessage() + "); " + HOW_TO_START);
            throw new AssertionError(e);
        }
        if (!sinfo.ok()) {
            fail("Slurm is not reachable: 'sinfo' exited " + sinfo.exitCode() + ": " + sinfo.stderr().strip()
                    + "; " + HOW_TO_START);
        }
        List<String> names = sinfo.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        if (names.isEmpty()) {
            fail("Slurm answers but has no nodes; " + HOW_TO_START);
        }
        return new LocalSlurmCluster(names);
    }

    List<String> nodes() {
        return nodes;
    }

    /** sinfo state of a node, e.g. {@code idle}, {@code mixed}, {@code down*}. */
    String nodeState(String node) throws IOException {
        return check(run(List.of("sinfo", "-h", "-N", "-n", node, "-o", "%T")), "sinfo").stdout().strip();
    }

    /** Waits until the node can take jobs (another test may just have killed and revived it). */
    void awaitUsable(String node, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String state = nodeState(node);
        while (!Set.of("idle", "mixed", "allocated", "completing").contains(state)) {
            if (Instant.now().isAfter(deadline)) {
                fail("node " + node + " is '" + state + "', not usable after " + timeout.toSeconds()
                        + " s; revive it with: sudo scripts/local-slurm revive-node " + node);
            }
            Thread.sleep(POLL.toMillis());
            state = nodeState(node);
        }
    }

    /** {@code sbatch --parsable <options> <script>}; returns the job id. */
    String submit(List<String> sbatchOptions, String script) throws IOException {
        List<String> command = new ArrayList<>(List.of("sbatch", "--parsable"));
        command.addAll(sbatchOptions);
        command.add(script);
        String out = check(run(command), "sbatch").stdout().strip();
        // --parsable prints "id" or "id;cluster".
        String id = out.split(";", 2)[0];
        if (!id.matches("\\d+")) {
            fail("sbatch printed '" + out + "' instead of a job id: " + command);
        }
        return id;
    }

    /** Current state of a job: squeue (one call), falling back to scontrol once squeue forgot it. */
    String jobState(String jobId) throws IOException {
        Result squeue = run(List.of("squeue", "-h", "-j", jobId, "-t", "all", "-o", "%T"));
        String state = squeue.ok() ? squeue.stdout().strip() : "";
        if (!state.isEmpty()) {
            return state;
        }
        return field(showJob(jobId), "JobState").orElse("UNKNOWN");
    }

    /** Polls until the job reaches a final state; fails with the job's record after the timeout. */
    String awaitFinalState(String jobId, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String state = jobState(jobId);
        while (!FINAL_STATES.contains(state)) {
            if (Instant.now().isAfter(deadline)) {
                fail("job " + jobId + " still " + state + " after " + timeout.toSeconds() + " s:\n" + showJob(jobId));
            }
            Thread.sleep(POLL.toMillis());
            state = jobState(jobId);
        }
        return state;
    }

    String showJob(String jobId) throws IOException {
        Result r = run(List.of("scontrol", "show", "job", "-o", jobId));
        return r.ok() ? r.stdout().strip() : "(scontrol show job " + jobId + ": " + r.stderr().strip() + ")";
    }

    static java.util.Optional<String> field(String scontrolRecord, String key) {
        return Arrays.stream(scontrolRecord.split("\\s+"))
                .filter(kv -> kv.startsWith(key + "="))
                .map(kv -> kv.substring(key.length() + 1))
                .findFirst();
    }

    /** Cancels jobs this test submitted (never anyone else's). */
    void cancel(List<String> jobIds) throws IOException {
        if (!jobIds.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("scancel"));
            command.addAll(jobIds);
            run(command);
        }
    }

    private static Result check(Result r, String what) {
        if (!r.ok()) {
            fail(what + " exited " + r.exitCode() + ": " + r.stderr().strip() + "; is the cluster up? " + HOW_TO_START);
        }
        return r;
    }

    static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        // Small outputs only: read both streams fully, stderr on its own thread so neither pipe fills.
        var stderr = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                stderr.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderr.complete("(" + e.getMessage() + ")");
            }
        });
        t.setDaemon(true);
        t.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command + " did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new Result(p.exitValue(), stdout, stderr.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + command, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not read the error output of " + command, e);
        }
    }
}
