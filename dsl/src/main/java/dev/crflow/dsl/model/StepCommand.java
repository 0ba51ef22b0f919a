package dev.crflow.dsl.model;

/**
 * What a step runs. Never pasted into a batch script: the coordinator reads it from the step's JSON
 * and runs it with {@code bash -c} (COMMAND) or as a bash script file (SCRIPT).
 */
public record StepCommand(Kind kind, String text) {
    public enum Kind { COMMAND, SCRIPT }
}
