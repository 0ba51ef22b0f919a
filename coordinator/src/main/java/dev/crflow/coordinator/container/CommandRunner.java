package dev.crflow.coordinator.container;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import dev.crflow.coordinator.proc.SystemProcessLauncher;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a short command to completion: the seam for tests of {@link ImageCheck} and the container driver.
 * It is the {@code run} half of {@link dev.crflow.coordinator.proc.ProcessLauncher}, so a test fake need not
 * also start long-lived processes.
 */
@FunctionalInterface
public interface CommandRunner {

    CommandResult run(List<String> command, Map<String, String> extraEnv, Duration timeout) throws IOException;

    /** Real processes, through the coordinator's one process seam: stdin from /dev/null; the host environment plus {@code extraEnv}. */
    static CommandRunner system() {
        return new SystemProcessLauncher()::run;
    }
}
