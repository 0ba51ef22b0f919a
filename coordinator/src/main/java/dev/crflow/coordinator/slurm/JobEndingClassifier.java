package dev.crflow.coordinator.slurm;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 *   set. It is set when Slurm selects the job (the grace time starts, {@code EndTime=} becomes PreemptTime + GraceTime,
 *   the batch script is not signalled) and set again, to the same second as {@code EndTime=}, when the grace is over
 *   and Slurm kills the job: at the preemption's own SIGTERM, {@code PreemptTime == EndTime};</li>
 *   <li>a plain {@code scancel} during the grace time (either mode): {@code COMPLETING Reason=None}, {@code PreemptTime=}
 *   the selection, {@code EndTime=} the cancel, later than PreemptTime; the preemption never happens. A cancel in the
 *   same second as the selection cannot be told from the preemption (it is read as one), nor can a {@code scancel}
 *   after the preemption's SIGTERM: Slurm ignores it (the job is already ending; {@code scancel} exits 0, no signal,
 *   no change), see docs/coordinator.md;</li>
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

        /**
         * Asked again right before the coordinator requeues the job (after its checkpoint): a user's {@code scancel}
         * that came meanwhile shows here, and a requeue would undo it (Slurm accepts {@code scontrol requeue} of a
         * cancelled job that is still completing). One question, no waiting: the job normally still runs.
         */
        default JobEnding recheck() throws InterruptedException { return classify(); }

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
        return new Endings() {
            @Override public JobEnding classify() throws InterruptedException { return ask(jobId, restartCount, asks); }
            @Override public JobEnding recheck() throws InterruptedException { return ask(jobId, restartCount, 1); }
        };
    }

    /** Asks Slurm (again while the answer is "running, not preempted") and classifies. */
    public JobEnding classify(String jobId, int restartCount) throws InterruptedException {
        return ask(jobId, restartCount, asks);
    }

    private JobEnding ask(String jobId, int restartCount, int times) throws InterruptedException {
        JobEnding last = JobEnding.UNKNOWN;
        for (int i = 0; i < times; i++) {
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
        if (state.equals("PREEMPTED")) return JobEnding.PREEMPTED;
        if (preempted(f)) return cancelledInGrace(f, state, reason) ? JobEnding.CANCELLED : JobEnding.PREEMPTED;
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

    /**
     * Selected for preemption, but ended by something else before the grace was over: Slurm's own kill at the end of the
     * grace sets PreemptTime and EndTime in the same second, a user's {@code scancel} in the grace sets only EndTime (to
     * the cancel). Anything unreadable is the preemption: nothing is lost that way.
     */
    private static boolean cancelledInGrace(Map<String, String> f, String state, String reason) {
        if (!state.equals("COMPLETING") && !state.equals("CANCELLED")) return false;
        if (!(reason.isEmpty() || reason.equals("None"))) return false;
        Optional<LocalDateTime> selected = time(f.get("PreemptTime"));
        Optional<LocalDateTime> ended = time(f.get("EndTime"));
        return selected.isPresent() && ended.isPresent() && ended.get().isAfter(selected.get());
    }

    /** Slurm's {@code 2026-11-27T20:46:13} (the controller's local time, like every time in one answer). */
    private static Optional<LocalDateTime> time(String value) {
        if (value == null) return Optional.empty();
        try {
            return Optional.of(LocalDateTime.parse(value));
        } catch (DateTimeParseException e) {
            return Optional.empty(); // None, Unknown, N/A
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
