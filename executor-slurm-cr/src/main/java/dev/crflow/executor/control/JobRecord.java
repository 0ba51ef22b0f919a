package dev.crflow.executor.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;

/**
 * {@code job.json}: the job a step runs in now. {@code jobId} is Slurm's id, or {@code local-…} for the
 * local executor (then {@code pid} is the coordinator's process).
 *
 * @param attempt      the driver's submission count for the step (1 = first job)
 * @param executor     "slurm" or "local"
 * @param previousJobIds ids of the step's earlier jobs (lost or failed), newest last
 * @param nodes        where the job was last seen running (Slurm node names): the nodes to avoid if it is lost
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobRecord(String jobId, String jobName, int attempt, Instant submitted, String executor, Long pid,
                        List<String> previousJobIds, List<String> nodes) {
    public JobRecord {
        previousJobIds = previousJobIds == null ? List.of() : List.copyOf(previousJobIds);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    public JobRecord withNodes(List<String> newNodes) {
        return new JobRecord(jobId, jobName, attempt, submitted, executor, pid, previousJobIds, newNodes);
    }
}
