package dev.crflow.cli.runner;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.local.LocalStepExecutor;
import dev.crflow.executor.process.ProcessRunner;
import dev.crflow.executor.process.SystemProcessRunner;
import dev.crflow.executor.slurm.CoordinatorLaunch;
import dev.crflow.executor.slurm.RetryPolicy;
import dev.crflow.executor.slurm.SlurmCli;
import dev.crflow.executor.slurm.SlurmStepExecutor;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Builds the executor a run names ({@code local} or {@code slurm}). */
public final class Executors {
    public static final List<String> NAMES = List.of("local", "slurm");

    private Executors() {}

    public static StepExecutor create(String name, Duration pollInterval, Clock clock) {
        return create(name, pollInterval, clock, new SystemProcessRunner());
    }

    public static StepExecutor create(String name, Duration pollInterval, Clock clock, ProcessRunner runner) {
        CoordinatorLaunch coordinator = CoordinatorLaunch.fromEnvironment();
        return switch (name) {
            case "local" -> new LocalStepExecutor(coordinator, clock);
            // The snapshot lives half a poll: every poll gets a fresh squeue, and callers within one poll share it.
            case "slurm" -> new SlurmStepExecutor(new SlurmCli(runner, RetryPolicy.standard(), clock), coordinator, clock,
                    pollInterval.dividedBy(2), RetryPolicy.standard());
            default -> throw new CrflowException(ExitCodes.INVALID_INPUT, "unknown executor '" + name + "'; use one of " + NAMES);
        };
    }

    public static StepExecutor checked(String name, Duration pollInterval, Clock clock) {
        StepExecutor e = create(name, pollInterval, clock);
        try {
            e.check();
        } catch (ExecutorException ex) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, ex.getMessage(), ex);
        }
        return e;
    }
}
