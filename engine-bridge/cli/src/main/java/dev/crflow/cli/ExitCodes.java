package dev.crflow.cli;

import dev.crflow.snakemake.BridgeExit;

/**
 * crflow's exit codes, the names the CLI uses. Users' scripts depend on these numbers. They are defined once, in
 * {@link BridgeExit}: the Snakemake bridge is a subcommand of this program and its module cannot depend on this one.
 * Still compile-time constants, so they work in {@code case} labels and annotations.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = BridgeExit.OK;
    /** A workflow or step failed. */
    public static final int FAILED = BridgeExit.FAILED;
    /** Invalid input or usage: a bad DSL file, an unknown step, a wrong flag. */
    public static final int INVALID_INPUT = BridgeExit.INVALID_INPUT;
    /** Environment problem: Slurm unreachable, engine or runtime missing. */
    public static final int ENVIRONMENT = BridgeExit.ENVIRONMENT;

    private ExitCodes() {}
}
