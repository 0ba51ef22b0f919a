package dev.crflow.cli.doctor;

import dev.crflow.executor.control.PrivateFiles;
import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;
import dev.crflow.executor.process.Sleeper;
import dev.crflow.executor.slurm.CoordinatorLaunch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Submits the probe job, waits (with a deadline, never a fixed sleep) until it wrote {@code done} or left the queue,
 * cancels it when the deadline passes, and reads the results. The probe directory is removed afterwards unless
 * asked to keep it.
 */
public final class Probe {
    private static final Duration CMD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
            "BOOT_FAIL", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT");

    private final ProcessRunner runner;
    private final Clock clock;
    private final Sleeper sleeper;

    private final Map<String, String> env;

    public Probe(ProcessRunner runner, Clock clock, Sleeper sleeper) {
        this(runner, clock, sleeper, System.getenv());
    }

    /** @param env the environment sbatch runs in (its SBATCH_* variables can override the probe's own options) */
    public Probe(ProcessRunner runner, Clock clock, Sleeper sleeper, Map<String, String> env) {
        this.runner = runner;
        this.clock = clock;
        this.sleeper = sleeper;
        this.env = Map.copyOf(env);
    }

    public List<DoctorCheck> run(ProbeScript.Request req, Path controlRoot, CoordinatorLaunch launch, Duration deadline,
                                 boolean keep) throws IOException, InterruptedException {
        PrivateFiles.directory(controlRoot);
        String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        Path dir = PrivateFiles.directory(controlRoot.resolve("doctor-" + id));
        try {
            String token = "crflow-doctor " + id + " " + clock.instant();
            PrivateFiles.writeAtomically(dir.resolve("token"), token);
            Path script = dir.resolve("probe.sbatch");
            PrivateFiles.writeAtomically(script, ProbeScript.render(req, dir, launch));
            ProcessResult sub = runner.run(List.of("sbatch", "--parsable", script.toString()), CMD_TIMEOUT);
            if (!sub.ok()) {
                return List.of(DoctorCheck.fail("probe-job", "sbatch refused the probe job: " + sub.diagnostic(),
                        "check the partition, account and QOS (settings or --partition/--account/--qos) with 'sbatch --test-only'"));
            }
            String job = sub.stdout().strip().split(";")[0];
            String outcome = waitFor(job, dir, deadline);
            return ProbeResults.read(dir, token, req, "job " + job + " " + outcome, env);
        } finally {
            if (!keep) dev.crflow.coordinator.control.SafeFiles.deleteTree(dir);
        }
    }

    /**
     * How long a requeued job must have been held before we release it: slurmd refuses a launch whose credential is
     * not newer than the requeue's revoke (whole seconds), and the job then ends FAILED without running again. The
     * coordinator's hold releaser and the driver wait the same way (measured: a release in the same second failed).
     */
    static final Duration HOLD_SETTLE = Duration.ofSeconds(3);

    /** Until the job wrote {@code done} or ended; the outcome in words. */
    private String waitFor(String job, Path dir, Duration deadline) throws InterruptedException {
        Instant end = clock.instant().plus(deadline);
        String last = "PENDING";
        int gone = 0;
        Instant heldSince = null;
        while (clock.instant().isBefore(end)) {
            if (Files.exists(dir.resolve("done"))) return "finished";
            QueueState q = state(job);
            if (q.kind() == QueueState.Kind.PRESENT) last = q.state();
            // Slurm may put the ~120 s requeue hold back when the first run ends, after the job's own release:
            // like crflow's driver, release it from here (the same user, so the same permission), once it has settled.
            if (q.held()) {
                if (heldSince == null) heldSince = clock.instant();
                if (!clock.instant().isBefore(heldSince.plus(HOLD_SETTLE))) release(job);
            } else {
                heldSince = null;
            }
            // Three polls in a row without the job: it left the queue (one miss may be a slow controller). A failed
            // squeue is "unknown", never "gone": a busy controller must not end the probe early.
            if (q.kind() == QueueState.Kind.ABSENT || (q.kind() == QueueState.Kind.PRESENT && ENDED.contains(q.state()))) {
                if (++gone >= 3) return Files.exists(dir.resolve("done")) ? "finished" : "ended (" + last + ") without finishing the probe";
            } else if (q.kind() == QueueState.Kind.PRESENT) {
                gone = 0;
            }
            sleeper.sleep(POLL);
        }
        try {
            runner.run(List.of("scancel", job), CMD_TIMEOUT);
        } catch (IOException e) {
            // the job may stay until its 1-2 minute limit; nothing else to do
        }
        return "did not finish within " + ProbeResults.human(deadline) + " (last state " + last + "); cancelled";
    }

    /** What one squeue said of the job. */
    record QueueState(Kind kind, String state, String reason) {
        enum Kind { PRESENT, ABSENT, UNKNOWN }

        boolean held() {
            return kind == Kind.PRESENT && (("PENDING".equals(state) && "BeginTime".equalsIgnoreCase(reason)) || "REQUEUE_HOLD".equals(state));
        }
    }

    /** Ended jobs print nothing (exit 0); a job Slurm forgot is "Invalid job id"; anything else failing is unknown. */
    private QueueState state(String job) {
        try {
            ProcessResult r = runner.run(List.of("squeue", "-h", "-j", job, "-o", "%T %r"), CMD_TIMEOUT);
            if (r.ok() && r.stdout().isBlank()) return new QueueState(QueueState.Kind.ABSENT, "", "");
            if (!r.ok()) {
                boolean forgotten = r.diagnostic().contains("Invalid job id");
                return new QueueState(forgotten ? QueueState.Kind.ABSENT : QueueState.Kind.UNKNOWN, "", "");
            }
            String[] f = r.stdout().strip().split("\\s+", 2);
            return new QueueState(QueueState.Kind.PRESENT, f[0], f.length > 1 ? f[1] : "");
        } catch (IOException e) {
            return new QueueState(QueueState.Kind.UNKNOWN, "", "");
        }
    }

    private void release(String job) {
        try {
            runner.run(List.of("scontrol", "update", "JobId=" + job, "StartTime=now"), CMD_TIMEOUT);
        } catch (IOException e) {
            // the hold ends by itself after ~120 s
        }
    }
}
