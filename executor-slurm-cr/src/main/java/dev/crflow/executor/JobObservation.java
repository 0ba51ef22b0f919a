package dev.crflow.executor;

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
 */
public record JobObservation(JobStatus status, String detail, List<String> nodes, List<String> lostNodes,
                             Optional<String> lostReason, Optional<Integer> exitCode) {
    public JobObservation {
        nodes = List.copyOf(nodes);
        lostNodes = List.copyOf(lostNodes);
    }

    public static JobObservation of(JobStatus status, String detail) {
        return new JobObservation(status, detail, List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    public static JobObservation lost(String reason, String detail, List<String> nodes) {
        return new JobObservation(JobStatus.LOST, detail, nodes, nodes, Optional.of(reason), Optional.empty());
    }
}
