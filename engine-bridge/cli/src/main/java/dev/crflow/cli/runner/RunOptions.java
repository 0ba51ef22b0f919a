package dev.crflow.cli.runner;

import java.time.Duration;

/**
 * How the driver runs.
 *
 * @param pollInterval time between two looks at the jobs (one squeue each)
 * @param maxParallel  jobs in flight at once (independent steps run in parallel up to this)
 */
public record RunOptions(Duration pollInterval, int maxParallel) {
    public static RunOptions defaults(String executor) {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new RunOptions(Duration.ofSeconds(executor.equals("slurm") ? 10 : 2),
                executor.equals("slurm") ? 500 : Math.max(2, cpus));
    }
}
