package dev.crflow.cli.report;

import dev.crflow.coordinator.run.WorkAccount;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The run-wide figures the report's header shows, summed over its steps. Computed here, not in the renderer, so
 * every consumer of the model (the page, tests, users' tooling) gets the same sums.
 *
 * @param completed steps whose state is {@link StepState#COMPLETED}
 * @param work      the steps' work accounts summed: what checkpoints saved and cost, run-wide
 * @param lostWorkIsLowerBound true when some step's lost work is only a lower bound (an attempt without a recorded end)
 */
public record RunTotals(int steps, long completed, int attempts, int restarts, int checkpoints, double computeSeconds,
                        double checkpointSeconds, Duration lostWork, boolean lostWorkIsLowerBound, long bytesStored,
                        WorkAccount work) {

    public static RunTotals of(List<StepReport> steps) {
        return new RunTotals(
                steps.size(),
                steps.stream().filter(s -> s.state() == StepState.COMPLETED).count(),
                steps.stream().mapToInt(s -> s.attempts().size()).sum(),
                steps.stream().mapToInt(StepReport::restarts).sum(),
                steps.stream().mapToInt(s -> s.checkpoints().size()).sum(),
                steps.stream().mapToDouble(StepReport::computeSeconds).sum(),
                steps.stream().mapToDouble(StepReport::checkpointSeconds).sum(),
                steps.stream().map(StepReport::totalLostWork).reduce(Duration.ZERO, Duration::plus),
                steps.stream().anyMatch(StepReport::lostWorkIsLowerBound),
                steps.stream().mapToLong(StepReport::bytesStored).sum(),
                steps.stream().map(StepReport::work).reduce(WorkAccount.empty().withBytesStored(0), WorkAccount::plus));
    }

    /** Time spent checkpointing as a percentage of compute time; empty while nothing has computed. */
    public OptionalDouble checkpointOverheadPercent() {
        return computeSeconds > 0 ? OptionalDouble.of(100 * checkpointSeconds / computeSeconds) : OptionalDouble.empty();
    }

    /** Compute the run's interruptions would have cost from scratch. */
    public Duration workSaved() { return Duration.ofMillis(Math.round(work.savedSeconds() * 1000)); }
}
