package dev.crflow.executor.slurm;

import dev.crflow.dsl.model.Step;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the renderer needs for one step's batch script.
 *
 * @param step            the resolved step
 * @param jobName         run-unique job name ({@link JobNames#forStep})
 * @param controlDir      absolute path of the step's control directory (shared storage)
 * @param coordinator     java, jar and flags of the hand-off
 * @param remainingBudget compute left of {@code totalTime}; empty: unlimited
 * @param excludeNodes    nodes this step must avoid (lost there before)
 */
public record RenderRequest(Step step, String jobName, Path controlDir, CoordinatorLaunch coordinator,
                            Optional<Duration> remainingBudget, List<String> excludeNodes) {
    public RenderRequest {
        excludeNodes = List.copyOf(excludeNodes);
        if (!controlDir.isAbsolute()) throw new IllegalArgumentException("control directory must be absolute: " + controlDir);
    }
}
