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
    /** Checkpointed and stopped on request ({@code crflow checkpoint --stop}); resumable. */
    STOPPED("stopped", "stopped on request"),
    /** Cancelled by the user ({@code scancel}); the step ended there. */
    CANCELLED("cancelled", "cancelled"),
    /** No attempt-end yet and the heartbeat is fresh. */
    RUNNING("running", "running"),
    /**
     * The attempt died without a word (node lost, job or coordinator killed): journalled as {@code lost} by the
     * next coordinator, or inferred when there is no attempt-end and no fresh heartbeat.
     */
    LOST("lost", "lost (job or node died)"),
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
        return this == PREEMPTED || this == WALLTIME || this == LOST || this == STOPPED;
    }

    /** Stable token for CSS classes and JSON. */
    public String token() { return journalName; }

    public String label() { return label; }
}
