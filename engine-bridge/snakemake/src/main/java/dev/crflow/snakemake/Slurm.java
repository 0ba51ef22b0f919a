package dev.crflow.snakemake;

import dev.crflow.executor.process.SystemProcessRunner;
import dev.crflow.executor.slurm.CoordinatorLaunch;
import dev.crflow.executor.slurm.RetryPolicy;
import dev.crflow.executor.slurm.SlurmCli;
import dev.crflow.executor.slurm.SlurmClient;
import dev.crflow.executor.slurm.SlurmStepExecutor;

import java.time.Clock;
import java.time.Duration;

/** The real Slurm pieces the subcommands use; one place so tests can see what is wired. */
final class Slurm {
    private Slurm() {}

    static SlurmClient client() {
        return new SlurmCli(new SystemProcessRunner(), RetryPolicy.standard(), Clock.systemUTC());
    }

    static SlurmStepExecutor executor(SlurmClient client) {
        return new SlurmStepExecutor(client, CoordinatorLaunch.fromEnvironment(), Clock.systemUTC(),
                Duration.ofSeconds(2), RetryPolicy.standard());
    }
}
