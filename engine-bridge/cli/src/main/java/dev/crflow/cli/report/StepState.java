package dev.crflow.cli.report;

/** The step's state as far as the files tell. */
public enum StepState {
    COMPLETED("completed"),
    FAILED("failed"),
    BUDGET_EXHAUSTED("budget exhausted"),
    ENGINE_ERROR("engine error"),
    RUNNING("running"),
    /** Between attempts: requeued or preempted, waiting for a node. */
    WAITING("waiting for restart"),
    /** Cancelled by the user ({@code crflow cancel}), as the driver recorded. */
    CANCELLED("cancelled"),
    /** Checkpointed and stopped on request; resume with {@code crflow restart}. */
    STOPPED("stopped"),
    /** Submitted, no attempt has started. */
    NOT_STARTED("not started"),
    /** Ended without result.json and no fresh heartbeat: the driver or the node may have died. */
    UNKNOWN("unknown");

    private final String label;

    StepState(String label) { this.label = label; }

    public String label() { return label; }

    public String token() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
