package dev.crflow.cli.runner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/** {@code .crflow/run.json}: which workflow this work directory runs, with which executor, under which run id. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunInfo(String runId, String workflowFile, String workflowName, String profile, String executor, Instant created) {}
