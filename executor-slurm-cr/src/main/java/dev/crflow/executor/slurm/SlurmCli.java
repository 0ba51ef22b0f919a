package dev.crflow.executor.slurm;

import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@link SlurmClient} over the real commands, through a {@link ProcessRunner}; transient failures retried. */
public final class SlurmCli implements SlurmClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern JOB_ID = Pattern.compile("\\d+(_\\d+)?");
    /** Messages of a controller that is busy, restarting or unreachable: worth another try. */
    private static final List<String> TRANSIENT = List.of("socket timed out", "unable to contact slurm controller",
            "connection refused", "zero bytes were transmitted", "try again", "resource temporarily unavailable",
            "slurm_receive_msg", "communication connection failure", "timed out", "send/recv operation failed",
            "slurmctld is not responding", "too many pending rpcs");

    private final ProcessRunner runner;
    private final RetryPolicy retry;
    private final Clock clock;

    public SlurmCli(ProcessRunner runner, RetryPolicy retry, Clock clock) {
        this.runner = runner;
        this.retry = retry;
        this.clock = clock;
    }

    @Override
    public String submit(Path script, List<String> arguments) throws SlurmException {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
        cmd.addAll(arguments);
        cmd.add(script.toString());
        // Once: a timed-out sbatch may have submitted; the caller reconciles by job name before trying again.
        ProcessResult r = runOnce(cmd);
        if (!r.ok()) throw failure("sbatch", r);
        String out = r.stdout().strip();
        String firstLine = out.lines().findFirst().orElse("");
        String id = firstLine.split(";")[0].strip();
        if (!JOB_ID.matcher(id).matches()) throw new SlurmException("sbatch printed no job id: " + out, false);
        return id;
    }

    @Override
    public QueueSnapshot queue(QueueQuery query) {
        List<String> cmd = new ArrayList<>(List.of("squeue", "--noheader", "--states=all", "--array",
                "--format=" + SqueueParser.FORMAT));
        cmd.addAll(query.filterArguments());
        try {
            ProcessResult r = runOnce(cmd);
            if (!r.ok()) return QueueSnapshot.unknown(clock.instant(), "squeue failed: " + r.diagnostic());
            return QueueSnapshot.of(clock.instant(), SqueueParser.parse(r.stdout()));
        } catch (SlurmException | RuntimeException e) {
            return QueueSnapshot.unknown(clock.instant(), "squeue failed: " + e.getMessage());
        }
    }

    @Override
    public Optional<JobDetails> showJob(String jobId) throws SlurmException {
        requireJobId(jobId);
        ProcessResult r = withRetry(List.of("scontrol", "-o", "show", "job", jobId), true);
        if (!r.ok()) {
            if (r.diagnostic().toLowerCase(Locale.ROOT).contains("invalid job id")) return Optional.empty();
            throw failure("scontrol show job", r);
        }
        return ScontrolParser.parse(r.stdout());
    }

    /**
     * Ends the job for good. Any scancel (even {@code --signal=KILL}) starts with SIGTERM, which the coordinator treats
     * as preemption: it checkpoints (kept: nothing lost) and requeues itself. Measured here: after {@code scontrol hold}
     * and {@code scontrol update Requeue=0} that requeue is refused ("Requested operation is presently disabled") and
     * the job ends CANCELLED; without them it came back PENDING.
     */
    @Override
    public void cancel(String jobId) throws SlurmException {
        requireJobId(jobId);
        // Both may fail for a job that already ended or is an unsplit array element: the scancel decides.
        withRetry(List.of("scontrol", "hold", jobId), false);
        withRetry(List.of("scontrol", "update", "JobId=" + jobId, "Requeue=0"), false);
        check("scancel", withRetry(List.of("scancel", jobId), false));
    }

    @Override
    public void signal(String jobId, String signal, boolean batchOnly) throws SlurmException {
        requireJobId(jobId);
        if (!signal.matches("[A-Z0-9]+")) throw new IllegalArgumentException("bad signal name: " + signal);
        List<String> cmd = new ArrayList<>(List.of("scancel"));
        if (batchOnly) cmd.add("--batch");
        cmd.addAll(List.of("-s", signal, jobId));
        check("scancel -s", withRetry(cmd, false));
    }

    @Override
    public void requeue(String jobId) throws SlurmException {
        requireJobId(jobId);
        check("scontrol requeue", withRetry(List.of("scontrol", "requeue", jobId), false));
    }

    @Override
    public void releaseRequeueHold(String jobId) throws SlurmException {
        requireJobId(jobId);
        check("scontrol update StartTime=now", withRetry(List.of("scontrol", "update", "JobId=" + jobId, "StartTime=now"), false));
    }

    @Override
    public void excludeNodes(String jobId, Collection<String> nodes) throws SlurmException {
        requireJobId(jobId);
        for (String n : nodes) if (!n.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("bad node name: " + n);
        check("scontrol update ExcNodeList", withRetry(
                List.of("scontrol", "update", "JobId=" + jobId, "ExcNodeList=" + String.join(",", nodes)), false));
    }

    @Override
    public boolean accountingAvailable() {
        try {
            ProcessResult r = runOnce(List.of("sacct", "--noheader", "--parsable2", "--starttime=now-1minutes", "--format=JobID"));
            return r.ok() && !r.stderr().toLowerCase(Locale.ROOT).contains("slurmdbd");
        } catch (SlurmException e) {
            return false;
        }
    }

    @Override
    public void ping() throws SlurmException {
        ProcessResult r;
        try {
            r = runOnce(List.of("sinfo", "--noheader", "--format=%P"));
        } catch (SlurmException e) {
            throw new SlurmException("Slurm is not reachable (" + e.getMessage()
                    + "). Start the cluster (for the local one: scripts/local-slurm up) and check that `sinfo` answers.", true, e);
        }
        if (!r.ok()) {
            throw new SlurmException("Slurm is not reachable: `sinfo` failed: " + r.diagnostic()
                    + ". Start the cluster (for the local one: scripts/local-slurm up) and check that `sinfo` answers.", true);
        }
    }

    private ProcessResult withRetry(List<String> cmd, boolean readOnly) throws SlurmException {
        ProcessResult last = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            if (attempt > 1) {
                try {
                    retry.sleeper().sleep(retry.delayBefore(attempt - 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SlurmException(cmd.get(0) + " interrupted", true, e);
                }
            }
            try {
                last = runOnce(cmd);
            } catch (SlurmException e) {
                if (attempt == retry.attempts()) throw e;
                continue;
            }
            if (last.ok() || !isTransient(last)) return last;
        }
        return last;
    }

    private ProcessResult runOnce(List<String> cmd) throws SlurmException {
        try {
            return runner.run(cmd, TIMEOUT);
        } catch (IOException e) {
            boolean missing = e.getMessage() != null && e.getMessage().contains("error=2");
            throw new SlurmException(missing
                    ? "`" + cmd.get(0) + "` is not installed or not on PATH (Slurm client commands are needed for --executor slurm)"
                    : cmd.get(0) + ": " + e.getMessage(), !missing, e);
        }
    }

    static boolean isTransient(ProcessResult r) {
        if (r.timedOut()) return true;
        String text = (r.stderr() + " " + r.stdout()).toLowerCase(Locale.ROOT);
        return TRANSIENT.stream().anyMatch(text::contains);
    }

    private static void check(String what, ProcessResult r) throws SlurmException {
        if (!r.ok()) throw failure(what, r);
    }

    private static SlurmException failure(String what, ProcessResult r) {
        return new SlurmException(what + " failed (exit " + r.exitCode() + "): " + r.diagnostic(), isTransient(r));
    }

    private static void requireJobId(String jobId) {
        if (!JOB_ID.matcher(jobId).matches()) throw new IllegalArgumentException("not a Slurm job id: " + jobId);
    }
}
