package dev.crflow.cli.runner;

/** A step's state as users (and {@code crflow status --json}) see it. */
public enum StepState {
    PENDING, SUBMITTED, RUNNING, CHECKPOINTING, REQUEUED, COMPLETED, FAILED, CANCELLED;

    public boolean terminal() { return this == COMPLETED || this == FAILED || this == CANCELLED; }

    /** Has a job the driver must watch. */
    public boolean active() { return this == SUBMITTED || this == RUNNING || this == CHECKPOINTING || this == REQUEUED; }
}
