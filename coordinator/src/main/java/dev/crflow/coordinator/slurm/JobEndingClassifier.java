package dev.crflow.coordinator.slurm;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells a user's {@code scancel} from preemption, walltime and node failure when SIGTERM arrives, by asking
 * {@code scontrol show job -o ID}.
 *
 * <p>What Slurm 22.05 (Debian 12 slurm-wlm 22.05.8) shows at SIGTERM time, measured on scripts/local-slurm
 * (captures in the unit test):
 * <ul>
 *   <li>plain {@code scancel ID}: {@code JobState=COMPLETING Reason=None} (the base state CANCELLED is hidden
 *   behind the COMPLETING flag until the job's processes are gone; it shows {@code CANCELLED} afterwards);</li>
 *   <li>time limit: {@code JobState=COMPLETING Reason=TimeLimit};</li>
 *   <li>preemption in CANCEL mode: {@code JobState=COMPLETING Reason=None} like a cancel, but with {@code PreemptTime=}
 *   set (it is set from the moment the job is selected, before any signal);</li>
 *   <li>preemption in REQUEUE mode: {@code JobState=COMPLETING Reason=None} again, without any PreemptTime field, but
 *   Slurm has already counted the requeue: {@code Restarts=} is one more than the attempt's {@code SLURM_RESTART_COUNT}
 *   (and {@code EndTime=Unknown}); an admin's {@code scontrol requeue} looks the same;</li>
 *   <li>node failure: {@code Reason=NodeDown} (state NODE_FAIL behind COMPLETING).</li>
 * </ul>
 * A job still {@code RUNNING} without a PreemptTime was signalled but is not ending ({@code scancel -s TERM}): the
 * answer may also lag the signal, so it is asked again a few times before {@link JobEnding#UNKNOWN}.
 */
public final class JobEndingClassifier {

    /** Where the answer comes from: tests pass captured outputs; the real one runs scontrol. */
    public interface JobQuery {
        CommandResult showJob(String jobId) throws IOException, InterruptedException;

        static JobQuery scontrol(SlurmControl slurm) {
            return id -> slurm.scontrol(List.of("show", "job", "-o", id));
        }
    }

    /** The coordinator's view: one call when SIGTERM (or an unexplained death of the application) arrives. */
    public interface Endings {
        JobEnding classify() throws InterruptedException;

        /** Local mode and tests: no Slurm to ask. */
        static Endings unknown() { return () -> JobEnding.UNKNOWN; }
    }

    private final JobQuery query;
    private final int asks;
    private final Duration pause;

    public JobEndingClassifier(JobQuery query) { this(query, 3, Duration.ofMillis(400)); }

    public JobEndingClassifier(JobQuery query, int asks, Duration pause) {
        this.query = query;
        this.asks = Math.max(1, asks);
        this.pause = pause;
    }

    /**
     * Bound to one job id, for the coordinator. A blank id (not under Slurm) always answers UNKNOWN.
     *
     * @param restartCount the attempt's {@code SLURM_RESTART_COUNT} (0 when unset): a higher {@code Restarts=} means
     *                     Slurm is requeueing the job
     */
    public Endings forJob(String jobId, int restartCount) {
        if (jobId == null || jobId.isBlank()) return Endings.unknown();
        return () -> classify(jobId, restartCount);
    }

    /** Asks Slurm (again while the answer is "running, not preempted") and classifies. */
    public JobEnding classify(String jobId, int restartCount) throws InterruptedException {
        JobEnding last = JobEnding.UNKNOWN;
        for (int i = 0; i < asks; i++) {
            if (i > 0) Thread.sleep(pause.toMillis());
            try {
                CommandResult r = query.showJob(jobId);
                if (!r.ok()) continue;
                last = classifyOutput(r.output(), restartCount);
                if (last != JobEnding.UNKNOWN) return last;
            } catch (IOException e) {
                // scontrol unavailable: try again, then fall back to UNKNOWN (treated as preemption: nothing is lost)
            }
        }
        return last;
    }

    /** Classifies one {@code scontrol show job -o} line (the first record, if several). */
    public static JobEnding classifyOutput(String output, int restartCount) {
        Map<String, String> f = fields(output);
        String state = f.getOrDefault("JobState", "");
        String reason = f.getOrDefault("Reason", "");
        if (preempted(f) || state.equals("PREEMPTED")) return JobEnding.PREEMPTED;
        if (restarts(f) > restartCount) return JobEnding.REQUEUED;
        switch (state) {
            case "CANCELLED": return JobEnding.CANCELLED;
            case "TIMEOUT", "DEADLINE": return JobEnding.WALLTIME;
            case "NODE_FAIL", "BOOT_FAIL": return JobEnding.NODE_FAILURE;
            case "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "PENDING": return JobEnding.REQUEUED;
            default: break;
        }
        if (reason.equals("TimeLimit")) return JobEnding.WALLTIME;
        if (reason.equals("NodeDown") || reason.equals("NodeFail")) return JobEnding.NODE_FAILURE;
        // COMPLETING with no reason while our batch script still runs: nothing but a cancel ends a job that way
        if (state.equals("COMPLETING") && (reason.isEmpty() || reason.equals("None"))) return JobEnding.CANCELLED;
        return JobEnding.UNKNOWN;
    }

    private static int restarts(Map<String, String> f) {
        try {
            return Integer.parseInt(f.getOrDefault("Restarts", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean preempted(Map<String, String> f) {
        String t = f.getOrDefault("PreemptTime", "None");
        return !t.isEmpty() && !t.equals("None") && !t.equals("Unknown") && !t.equals("N/A");
    }

    /**
     * {@code Key=Value} pairs of the first record. Values never contain a space in the fields read here; fields
     * that may (Comment, Command, WorkDir) are simply not looked at.
     */
    static Map<String, String> fields(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        String first = output.lines().filter(l -> l.contains("JobId=")).findFirst().orElse("");
        for (String token : first.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) m.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
        }
        return m;
    }
}
