package dev.crflow.executor.process;

import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import dev.crflow.coordinator.proc.SystemProcessLauncher;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs commands through the coordinator's {@link SystemProcessLauncher#run}: the project's one implementation of
 * "run a helper to completion" (arguments as a list, stdin /dev/null, both streams drained, killed at the timeout).
 * This class only adapts it to the executor's {@link ProcessRunner} seam, which the executor's fakes implement.
 */
public final class SystemProcessRunner implements ProcessRunner {
    private final ProcessLauncher launcher;

    public SystemProcessRunner() {
        this(new SystemProcessLauncher());
    }

    SystemProcessRunner(ProcessLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public ProcessResult run(List<String> command, Duration timeout) throws IOException {
        return run(command, Map.of(), timeout);
    }

    @Override
    public ProcessResult run(List<String> command, Map<String, String> extraEnv, Duration timeout) throws IOException {
        CommandResult r = launcher.run(command, extraEnv, timeout);
        return new ProcessResult(r.exitCode(), r.stdout(), r.stderr(), r.timedOut());
    }
}
