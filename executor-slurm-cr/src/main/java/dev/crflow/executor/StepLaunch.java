package dev.crflow.executor;

import dev.crflow.dsl.model.Step;
import dev.crflow.executor.control.StepControlDir;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One submission of a step.
 *
 * @param attempt         the driver's submission count for the step (1 = first job; a lost job's successor is 2…)
 * @param excludeNodes    nodes the step was lost on
 * @param remainingBudget compute left of totalTime (empty: unlimited)
 * @param knownJobIds     the step's earlier job ids (for reconciliation after a driver crash)
 */
public record StepLaunch(Step step, StepControlDir controlDir, String jobName, int attempt,
                         List<String> excludeNodes, Optional<Duration> remainingBudget, List<String> knownJobIds) {
    public StepLaunch {
        excludeNodes = List.copyOf(excludeNodes);
        knownJobIds = List.copyOf(knownJobIds);
    }
}
