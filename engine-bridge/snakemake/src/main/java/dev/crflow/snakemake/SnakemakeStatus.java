package dev.crflow.snakemake;

import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.executor.slurm.QueueEntry;

import java.util.Optional;

/**
 * The three words Snakemake's cluster status contract accepts, and the one table that decides between them.
 * "unknown" is never "failed": a flaky squeue, a requeue, a requeue hold, a suspended job are all {@code running}.
 */
public enum SnakemakeStatus {
    RUNNING, SUCCESS, FAILED;

    public String word() { return name().toLowerCase(java.util.Locale.ROOT); }

    /**
     * @param queueKnown       false when squeue failed
     * @param entry            the job as squeue lists it (empty: not listed)
     * @param result           the coordinator's result.json, when written
     * @param listedSinceSubmit whether the snapshot was taken after the job was submitted (an older snapshot
     *                          cannot know the job yet)
     * @param coordinatorAlive  a fresh heartbeat: the coordinator is running somewhere, whatever squeue says
     */
    public static Decision decide(boolean queueKnown, Optional<QueueEntry> entry, Optional<Result> result,
                                  boolean listedSinceSubmit, boolean coordinatorAlive) {
        if (result.isPresent()) {
            Result r = result.get();
            boolean ok = r.outcome() == Outcome.COMPLETED && r.exitCode() == 0;
            return ok ? new Decision(SUCCESS, "the coordinator recorded completion")
                    : new Decision(FAILED, "the coordinator recorded " + r.outcome() + " (exit code " + r.exitCode() + ")");
        }
        if (!queueKnown) return new Decision(RUNNING, "squeue did not answer; assuming the job still runs");
        if (entry.isEmpty()) {
            if (!listedSinceSubmit) return new Decision(RUNNING, "submitted after the last squeue snapshot");
            if (coordinatorAlive) return new Decision(RUNNING, "not listed by squeue, but its coordinator's heartbeat is fresh");
            return new Decision(FAILED, "gone from squeue without a result from its coordinator");
        }
        QueueEntry e = entry.get();
        return switch (e.phase()) {
            case QUEUED, RUNNING, REQUEUED, SUSPENDED, UNKNOWN -> new Decision(RUNNING, e.state().name());
            case ENDED -> coordinatorAlive ? new Decision(RUNNING, "COMPLETED in Slurm, coordinator still finishing")
                    : new Decision(FAILED, "Slurm says COMPLETED but the coordinator recorded no result (did the job run under crflow?)");
            case FAILED, CANCELLED, LOST -> new Decision(FAILED, e.state().name() + " without a result from its coordinator");
        };
    }

    public record Decision(SnakemakeStatus status, String why) {}
}
