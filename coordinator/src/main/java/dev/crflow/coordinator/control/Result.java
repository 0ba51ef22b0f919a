package dev.crflow.coordinator.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code result.json}: written once, at the step's final end. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Result(Outcome outcome, int exitCode, int attempts, int restarts, int retries, String message) {}
