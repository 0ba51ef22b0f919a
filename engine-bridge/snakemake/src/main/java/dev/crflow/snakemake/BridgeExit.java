package dev.crflow.snakemake;

/** crflow's named exit codes (the same numbers as dev.crflow.cli.ExitCodes, which depends on this module). */
final class BridgeExit {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID_INPUT = 2;
    static final int ENVIRONMENT = 3;

    private BridgeExit() {}
}
