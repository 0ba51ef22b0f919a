package dev.crflow.cli;

/** The one place for crflow's exit codes. Users' scripts depend on these numbers. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A workflow or step failed. */
    public static final int FAILED = 1;
    /** Invalid input or usage: a bad DSL file, an unknown step, a wrong flag. */
    public static final int INVALID_INPUT = 2;
    /** Environment problem: Slurm unreachable, engine or runtime missing. */
    public static final int ENVIRONMENT = 3;

    private ExitCodes() {}
}
