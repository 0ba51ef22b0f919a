package dev.crflow.dsl.model;

/**
 * The value {@code interval 'auto'} reads as, before it becomes {@link CheckpointPolicy#autoInterval()}: the coordinator
 * picks the periodic interval itself from the step's measured checkpoint cost and interruption rate
 * (docs/coordinator.md, "Automatic interval"). A type of its own so that a setting's value is either a
 * {@link java.time.Duration} or this, never a string that could be mistaken for a duration.
 */
public enum AutoInterval {
    AUTO;

    /** How it is written in every front end. */
    public static final String WORD = "auto";
}
