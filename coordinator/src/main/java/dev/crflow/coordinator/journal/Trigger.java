package dev.crflow.coordinator.journal;

/** What asked for a checkpoint: {@code checkpoint.trigger}. {@link #UNKNOWN} is only ever read. */
public enum Trigger {
    INTERVAL("interval"), SIGNAL("signal"), MANUAL("manual"), TERM("term"),
    /** The last checkpoint of a step a user cancelled ({@code onCancel} CHECKPOINT). */
    CANCEL("cancel"), UNKNOWN("unknown");

    private final String wireName;

    Trigger(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static Trigger fromWire(String name) { return Wire.lookup(values(), Trigger::wireName, name, UNKNOWN); }
}
