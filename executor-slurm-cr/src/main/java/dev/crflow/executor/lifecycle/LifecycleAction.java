package dev.crflow.executor.lifecycle;

import java.util.List;
import java.util.Optional;

/**
 * Something the step lifecycle (or the executor's look at a job) wants done, as data: {@link StepLifecycle#perform}
 * is the one place that does it, so every front end releases holds, excludes nodes, journals losses and archives
 * results the same way.
 */
public sealed interface LifecycleAction {

    /** Slurm's ~120 s hold after a requeue: release it ({@code StartTime=now}); the coordinator tries too. */
    record ReleaseRequeueHold(String jobId) implements LifecycleAction {}

    /** Keep a job Slurm requeued itself off the node(s) it was lost on ({@code ExcNodeList}). */
    record ExcludeNodes(String jobId, List<String> nodes) implements LifecycleAction {
        public ExcludeNodes { nodes = List.copyOf(nodes); }
    }

    /**
     * Journal an {@code attempt-lost} event (docs/contracts.md §3): the driver's word for a job gone without its
     * coordinator's. {@code host}: where the lost attempt's coordinator ran (its attempt-start), when it had started;
     * {@code nodes}: Slurm's node names; {@code requeuedBy}: "slurm" when Slurm requeued the same job itself.
     */
    record JournalAttemptLost(String jobId, Optional<Integer> attempt, Optional<String> host, String reason,
                              List<String> nodes, Optional<String> requeuedBy, String message) implements LifecycleAction {
        public JournalAttemptLost { nodes = List.copyOf(nodes); }
    }

    /** Move {@code result.json} aside as {@code result.json.N} (the coordinator refuses to run over a result). */
    record ArchiveResult(int attempt) implements LifecycleAction {}

    /** A new job for the step, from its newest valid generation, away from {@code excludeNodes}. */
    record Resubmit(List<String> excludeNodes, String why) implements LifecycleAction {
        public Resubmit { excludeNodes = List.copyOf(excludeNodes); }
    }
}
