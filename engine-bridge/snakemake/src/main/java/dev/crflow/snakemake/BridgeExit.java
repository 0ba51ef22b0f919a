package dev.crflow.snakemake;

/**
 * crflow's exit codes, defined here once: {@code crflow snakemake …} is a subcommand of the crflow program, and
 * {@code dev.crflow.cli.ExitCodes} (whose module depends on this one, so it cannot be the other way round) takes its
 * numbers from these constants. Users' scripts depend on the numbers.
 */
public final class BridgeExit {
    /** Success. */
    public static final int OK = 0;
    /** A workflow or step failed (or a Slurm helper failed for some ids). */
    public static final int FAILED = 1;
    /** Invalid input or usage. */
    public static final int INVALID_INPUT = 2;
    /** Environment problem: Slurm unreachable, engine or runtime missing. */
    public static final int ENVIRONMENT = 3;

    private BridgeExit() {}
}
