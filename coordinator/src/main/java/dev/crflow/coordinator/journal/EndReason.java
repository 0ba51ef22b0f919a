package dev.crflow.coordinator.journal;

/**
 * Why an attempt ended: {@code attempt-end.reason} (docs/contracts.md §3). {@link #UNKNOWN} is only ever read
 * (a reason this version does not know, or none), never written.
 */
public enum EndReason {
    COMPLETED("completed"), PREEMPTED("preempted"), WALLTIME("walltime"), FAILED("failed"),
    ENGINE_ERROR("engine-error"), BUDGET_EXHAUSTED("budget-exhausted"), STOPPED("stopped"), LOST("lost"),
    /** A user's {@code scancel}: the step ends here, neither a restart nor a retry. */
    CANCELLED("cancelled"),
    UNKNOWN("unknown");

    private final String wireName;

    EndReason(String wireName) { this.wireName = wireName; }

    /** The journal's spelling. */
    public String wireName() { return wireName; }

    /** Counts against {@code maxRestarts} when the attempt was requeued (a lost attempt always counts). */
    public boolean isRestart() { return this == PREEMPTED || this == WALLTIME || this == LOST; }

    /** Counts against {@code retry} when the attempt was requeued. */
    public boolean isRetry() { return this == FAILED || this == ENGINE_ERROR; }

    public static EndReason fromWire(String name) { return Wire.lookup(values(), EndReason::wireName, name, UNKNOWN); }
}
