package dev.crflow.cli.runner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's own record of one step ({@code <ctl>/driver.json}, tmp + rename): what it submitted and decided.
 *
 * @param attempt      the driver's submissions of the step (0 = never submitted)
 * @param jobIds       every job id the step ran in, oldest first
 * @param excludeNodes nodes the step was lost on
 * @param failures     application failures the driver saw (against {@code retry})
 * @param message      the last thing worth telling the user (why it failed, why it restarted)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriverStepState(StepState state, int attempt, List<String> jobIds, List<String> excludeNodes, int failures,
                              Integer exitCode, String message, Instant updated) {
    public DriverStepState {
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
        excludeNodes = excludeNodes == null ? List.of() : List.copyOf(excludeNodes);
        message = message == null ? "" : message;
    }

    public static DriverStepState initial() {
        return new DriverStepState(StepState.PENDING, 0, List.of(), List.of(), 0, null, "", Instant.now());
    }

    public DriverStepState withState(StepState s, String why) {
        return new DriverStepState(s, attempt, jobIds, excludeNodes, failures, exitCode, why, Instant.now());
    }

    public DriverStepState submitted(String jobId, int newAttempt) {
        List<String> ids = new ArrayList<>(jobIds);
        if (!ids.contains(jobId)) ids.add(jobId);
        return new DriverStepState(StepState.SUBMITTED, newAttempt, ids, excludeNodes, failures, null, "", Instant.now());
    }

    public DriverStepState excluding(List<String> nodes) {
        List<String> all = new ArrayList<>(excludeNodes);
        for (String n : nodes) if (!all.contains(n)) all.add(n);
        return new DriverStepState(state, attempt, jobIds, all, failures, exitCode, message, Instant.now());
    }

    public DriverStepState failed(Integer code, String why, boolean countFailure) {
        return new DriverStepState(StepState.FAILED, attempt, jobIds, excludeNodes, failures + (countFailure ? 1 : 0), code, why, Instant.now());
    }

    public DriverStepState withFailures(int f) {
        return new DriverStepState(state, attempt, jobIds, excludeNodes, f, exitCode, message, Instant.now());
    }

    public DriverStepState completed(Integer code) {
        return new DriverStepState(StepState.COMPLETED, attempt, jobIds, excludeNodes, failures, code, "", Instant.now());
    }

    public String currentJobId() { return jobIds.isEmpty() ? null : jobIds.get(jobIds.size() - 1); }
}
