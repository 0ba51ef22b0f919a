package dev.crflow.coordinator.run;

/**
 * Exit codes of the {@code crflow-coordinator} program, defined here only (docs/contracts.md §4; {@code Main}'s help
 * lists them from these constants). On completion or final failure {@code run} exits with the application's own code;
 * these are the others.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** {@code checkpoint}: no running coordinator, the checkpoint failed, or no answer in time. */
    public static final int NOT_DONE = 1;
    /** Invalid input (bad spec, bad option). */
    public static final int INVALID = 2;
    /** Cannot run here (control dir unusable, another coordinator holds it, util-linux missing). */
    public static final int ENVIRONMENT = 3;
    /** Checkpointed (or not) and requeued: the next attempt follows (local mode: relaunch me). */
    public static final int REQUEUED = 75;
    /** Checkpointed and stopped on request ("checkpoint --stop"): resumable, not requeued. */
    public static final int STOPPED = 76;
    /** Cancelled by the user (a plain {@code scancel}): final, not requeued. */
    public static final int CANCELLED = 77;
    /** maxRestarts or totalTime used up: final. */
    public static final int BUDGET_EXHAUSTED = 98;
    /** The checkpoint engine failed or is unusable (DMTCP's own failure code is 99 too). */
    public static final int ENGINE_ERROR = 99;

    private ExitCodes() {}
}
