package dev.crflow.executor;

import dev.crflow.executor.lifecycle.LifecycleAction;

import java.util.List;
import java.util.Optional;

/**
 * One poll's view of one job.
 *
 * @param status     the executor-neutral status
 * @param detail     Slurm's state and reason or the local executor's, for people (e.g. "PENDING (BeginTime)")
 * @param nodes      nodes the job runs (or last ran) on
 * @param lostNodes  for LOST (and for a job Slurm requeued after a node failure): nodes to avoid next time
 * @param lostReason for LOST: node-fail | boot-fail | vanished | cancelled | timeout | preempted
 * @param exitCode   the job's exit code when known
 * @param wanted     what the executor saw needs doing (release a requeue hold, exclude a node, journal a loss):
 *                   observing never acts; {@code StepLifecycle.perform} does these
 */
public record JobObservation(JobStatus status, String detail, List<String> nodes, List<String> lostNodes,
                             Optional<String> lostReason, Optional<Integer> exitCode, List<LifecycleAction> wanted) {
    public JobObservation {
        nodes = List.copyOf(nodes);
        lostNodes = List.copyOf(lostNodes);
        wanted = List.copyOf(wanted);
    }

    public JobObservation(JobStatus status, String detail, List<String> nodes, List<String> lostNodes,
                          Optional<String> lostReason, Optional<Integer> exitCode) {
        this(status, detail, nodes, lostNodes, lostReason, exitCode, List.of());
    }

    public static JobObservation of(JobStatus status, String detail) {
        return new JobObservation(status, detail, List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    public static JobObservation lost(String reason, String detail, List<String> nodes) {
        return new JobObservation(JobStatus.LOST, detail, nodes, nodes, Optional.of(reason), Optional.empty());
    }
}
