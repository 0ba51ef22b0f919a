package dev.crflow.coordinator.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/** {@code status.json} (rewritten on every phase change) and {@code heartbeat} (every 5 s) share this shape. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Status(Instant time, Phase phase, int attempt, String jobId, String host, long pid,
                     Integer generation, String message) {}
