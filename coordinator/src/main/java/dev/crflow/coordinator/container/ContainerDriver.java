package dev.crflow.coordinator.container;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's side of a containerised step: the host command lines that launch or restart the engine
 * inside the container (the coordinator starts them as its application process group, so Slurm's warning
 * signal and the coordinator's own signals reach the runtime process), and the side commands through which it
 * drives the engine inside (checkpoint, status, quit) — always the image's own DMTCP, through the shim.
 */
public final class ContainerDriver {
    private final ContainerLaunch launch;
    private final ContainerRuntime runtime;
    private final CommandRunner runner;

    public ContainerDriver(ContainerLaunch launch, CommandRunner runner) {
        this.launch = launch;
        this.runtime = ContainerRuntime.of(launch.runtime());
        this.runner = runner;
    }

    public ContainerLaunch launch() { return launch; }

    /** Variables to add to the environment of the runtime process (the step's env; apptainer's APPTAINERENV_*). */
    public Map<String, String> environment() { return runtime.runtimeEnvironment(launch); }

    /** Engines {@code signal} and {@code none}: the application under the shim's {@code exec}. */
    public List<String> launchApplication(Optional<String> marker, List<String> app) {
        return runtime.run(launch, Shim.exec(marker, app));
    }

    /** Engine {@code dmtcp}, first attempt: coordinator + {@code dmtcp_launch} of the image's DMTCP. */
    public List<String> launchDmtcp(String runDir, String ckptDir, Optional<Duration> interval, Optional<String> marker, List<String> app) {
        return runtime.run(launch, Shim.dmtcpLaunch(runDir, ckptDir, interval, marker, app));
    }

    /** Engine {@code dmtcp}, later attempts: {@code dmtcp_restart} of the images of one generation. */
    public List<String> restartDmtcp(String runDir, String ckptDir, String imagesDir, Optional<Duration> interval, Optional<String> marker) {
        return runtime.run(launch, Shim.dmtcpRestart(runDir, ckptDir, imagesDir, interval, marker));
    }

    /** Blocking DMTCP checkpoint inside the running container; exit 0 = every process wrote its image. */
    public CommandResult checkpoint(String runDir, Duration timeout) throws IOException {
        return runner.run(runtime.helper(launch, Shim.dmtcpCheckpoint(runDir)), Map.of(), timeout);
    }

    public CommandResult status(String runDir, Duration timeout) throws IOException {
        return runner.run(runtime.helper(launch, Shim.dmtcpStatus(runDir)), Map.of(), timeout);
    }

    /** Ends the computation inside (after a checkpoint, to stop for a requeue). */
    public CommandResult quit(String runDir, Duration timeout) throws IOException {
        return runner.run(runtime.helper(launch, Shim.dmtcpQuit(runDir)), Map.of(), timeout);
    }

    /** Removes what an earlier attempt may have left behind (a podman container of the same name). Never fails. */
    public void removeLeftover(Duration timeout) {
        runtime.cleanup(launch).ifPresent(cmd -> {
            try {
                runner.run(cmd, Map.of(), timeout);
            } catch (IOException ignored) {
                // nothing to remove, or the runtime is gone: the launch will say so
            }
        });
    }
}
