package dev.crflow.executor.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The seam through which every external command (sbatch, squeue, scontrol, scancel) runs.
 * Command lines are lists of arguments, never strings a shell would parse.
 */
public interface ProcessRunner {

    /** Runs {@code command} to completion (or until {@code timeout}), capturing both output streams. */
    ProcessResult run(List<String> command, Duration timeout) throws IOException;

    /** As {@link #run(List, Duration)}, with variables added to the inherited environment. */
    default ProcessResult run(List<String> command, Map<String, String> extraEnv, Duration timeout) throws IOException {
        if (!extraEnv.isEmpty()) throw new UnsupportedOperationException("this runner does not pass environment variables");
        return run(command, timeout);
    }
}
