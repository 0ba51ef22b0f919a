package dev.crflow.cli.report;

import java.util.Locale;

/** Why an attempt ended, as the journal's {@code attempt-end.reason} says, plus what the report infers for open attempts. */
public enum EndReason {
    COMPLETED("completed", "completed"),
    PREEMPTED("preempted", "preempted"),
    WALLTIME("walltime", "walltime"),
    FAILED("failed", "failed"),
    ENGINE_ERROR("engine-error", "engine error"),
    BUDGET_EXHAUSTED("budget-exhausted", "budget exhausted"),
    /** No attempt-end yet and the heartbeat is fresh. */
    RUNNING("running", "running"),
    /** No attempt-end and the attempt is over (a later attempt started, or the heartbeat went stale): node loss or a killed job. */
    LOST("lost", "lost (no end recorded)"),
    /** An attempt-end whose reason this version does not know. */
    UNKNOWN("unknown", "unknown");

    private final String journalName;
    private final String label;

    EndReason(String journalName, String label) {
        this.journalName = journalName;
        this.label = label;
    }

    public static EndReason fromJournal(String value) {
        if (value == null) return UNKNOWN;
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (EndReason r : values()) {
            if (r.journalName.equals(v)) return r;
        }
        return UNKNOWN;
    }

    /** The attempt was cut short by the cluster (walltime, preemption, node loss): a restart follows and work may be lost. */
    public boolean isInterruption() {
        return this == PREEMPTED || this == WALLTIME || this == LOST;
    }

    /** Stable token for CSS classes and JSON. */
    public String token() { return journalName; }

    public String label() { return label; }
}
