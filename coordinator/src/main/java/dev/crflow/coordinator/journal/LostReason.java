package dev.crflow.coordinator.journal;

/** {@code attempt-lost.reason}: how the driver saw a job end without a result. {@link #UNKNOWN} is only ever read. */
public enum LostReason {
    NODE_FAIL("node-fail"), BOOT_FAIL("boot-fail"), VANISHED("vanished"), CANCELLED("cancelled"), TIMEOUT("timeout"),
    PREEMPTED("preempted"), UNKNOWN("unknown");

    private final String wireName;

    LostReason(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static LostReason fromWire(String name) { return Wire.lookup(values(), LostReason::wireName, name, UNKNOWN); }
}
