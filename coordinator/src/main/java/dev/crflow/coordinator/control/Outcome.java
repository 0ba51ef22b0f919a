package dev.crflow.coordinator.control;

/** The step's final state, as written once to {@code result.json}. */
public enum Outcome {
    COMPLETED, FAILED, BUDGET_EXHAUSTED, ENGINE_ERROR,
    /** Cancelled by the user ({@code scancel}): ended for good, not requeued. */
    CANCELLED
}
