package dev.crflow.executor.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code result.json}: the coordinator's verdict at the step's final end. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepResult(String outcome, Integer exitCode, Integer attempts, Integer restarts, Integer retries) {
    public boolean completed() { return "COMPLETED".equals(outcome); }
}
