package dev.crflow.executor.slurm;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job as {@code scontrol show job} describes it: the fields crflow uses, plus all of them raw.
 *
 * @param restarts Slurm's requeue count of this job id ({@code Restarts=})
 * @param exitCode the batch script's exit status ({@code ExitCode=N:signal}, first number)
 * @param batchHost the node that ran (or runs) the batch script
 */
public record JobDetails(String jobId, String name, SlurmState state, String reason, int restarts,
                         Optional<Integer> exitCode, List<String> nodes, Optional<String> batchHost,
                         List<String> excludedNodes, Map<String, String> fields) {
    public JobDetails {
        nodes = List.copyOf(nodes);
        excludedNodes = List.copyOf(excludedNodes);
        fields = Map.copyOf(fields);
    }

    public JobPhase phase() { return state.phase(); }
}
