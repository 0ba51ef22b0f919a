package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.slurm.JobEnding;
import dev.crflow.coordinator.slurm.JobEndingClassifier;
import dev.crflow.coordinator.spec.StepSpec;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the coordinator makes of the job's end (issue 15): a user's {@code scancel} ends the step, anything else
 * (preemption, walltime, node trouble, a requeue by Slurm, or an unexplained SIGTERM) checkpoints and resumes.
 * Kept out of {@link Coordinator} so the decision is testable alone.
 */
final class TermEndings {
    /** Exit statuses of a process killed by HUP, INT, KILL or TERM (128 + signal): what Slurm's end of a job does. */
    static final Set<Integer> KILLED_BY_JOB_END = Set.of(129, 130, 137, 143);

    /** How long to wait for the coordinator's own SIGTERM when the application died of one first. */
    static final Duration TERM_WAIT = Duration.ofMillis(1500);

    private TermEndings() {}

    static EndReason reason(JobEnding e) {
        return switch (e) {
            case CANCELLED -> EndReason.CANCELLED;
            case WALLTIME -> EndReason.WALLTIME;
            // node trouble, a requeue already under way and an unexplained SIGTERM resume like a preemption:
            // they count against maxRestarts, and no work is thrown away
            case PREEMPTED, NODE_FAILURE, REQUEUED, UNKNOWN -> EndReason.PREEMPTED;
        };
    }

    /**
     * Right before a requeue, once the checkpoint is taken: Slurm is asked once more, and a user's {@code scancel} that
     * came meanwhile (during the warning's or the preemption's checkpoint) ends the step instead. Without this the
     * coordinator's {@code scontrol requeue}, which Slurm accepts for a cancelled job still completing, would undo the
     * cancel. The checkpoint just taken stays the last good generation.
     */
    static EndReason beforeRequeue(EndReason reason, JobEndingClassifier.Endings endings, Consumer<String> say)
            throws InterruptedException {
        if (reason == EndReason.CANCELLED || reason == EndReason.STOPPED) return reason;
        if (endings.recheck() != JobEnding.CANCELLED) return reason;
        say.accept("the job was cancelled (scancel) while it ended for " + reason.wireName() + ": not requeued");
        return EndReason.CANCELLED;
    }

    static boolean checkpointOnCancel(StepSpec spec) {
        return spec.checkpoint().onCancel() == StepSpec.OnCancel.CHECKPOINT;
    }

    /**
     * The application ended with {@code status}. When that is a death by the signals that end a job and the job is
     * ending (the coordinator got SIGTERM too, or Slurm says so), answers why; empty: an ordinary failure.
     *
     * <p>Slurm signals every process of the job at once, so the application may die before the coordinator's own
     * SIGTERM is even delivered: wait briefly for it, then ask Slurm.
     */
    static Optional<EndReason> endingOf(int status, BooleanSupplier termSeen, JobEndingClassifier.Endings endings)
            throws InterruptedException {
        if (!KILLED_BY_JOB_END.contains(status)) return Optional.empty();
        long end = System.nanoTime() + TERM_WAIT.toNanos();
        while (!termSeen.getAsBoolean() && System.nanoTime() < end) Thread.sleep(50);
        JobEnding e = endings.classify();
        if (e == JobEnding.UNKNOWN && !termSeen.getAsBoolean()) return Optional.empty(); // killed by someone else: a failure
        return Optional.of(reason(e));
    }
}
