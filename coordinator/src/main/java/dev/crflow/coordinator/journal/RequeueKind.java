package dev.crflow.coordinator.journal;

/** {@code requeue.kind}: which budget a requeue is charged to. {@link #UNKNOWN} is only ever read. */
public enum RequeueKind {
    /** Walltime, preemption, a lost attempt: counts against {@code maxRestarts}. */
    RESTART("restart"),
    /** The application or the engine failed: counts against {@code retry}. */
    RETRY("retry"),
    UNKNOWN("unknown");

    private final String wireName;

    RequeueKind(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static RequeueKind fromWire(String name) { return Wire.lookup(values(), RequeueKind::wireName, name, UNKNOWN); }
}
