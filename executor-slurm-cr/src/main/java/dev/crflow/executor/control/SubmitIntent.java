package dev.crflow.executor.control;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;

/**
 * Written (tmp + rename) before {@code sbatch}: a driver that dies between the two finds this file, asks Slurm
 * for jobs of that name it has not seen yet, and adopts one instead of submitting again.
 *
 * @param knownJobIds the step's earlier job ids: a job of the same name with one of these ids is not the new one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubmitIntent(String jobName, int attempt, Instant time, List<String> knownJobIds) {
    public SubmitIntent {
        knownJobIds = knownJobIds == null ? List.of() : List.copyOf(knownJobIds);
    }
}
