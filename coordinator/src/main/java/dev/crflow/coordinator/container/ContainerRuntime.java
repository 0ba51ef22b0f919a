package dev.crflow.coordinator.container;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the exact command lines of one container runtime. Pure functions of their inputs (no
 * environment lookups, no I/O), so the renderings are golden-tested as text.
 *
 * <p>Machine configuration is not rendered: podman's {@code --runtime runc --cgroup-manager cgroupfs}
 * or {@code default_ulimits} belong in {@code containers.conf}, shifter's and apptainer's site
 * mounts in their site config.
 */
public sealed interface ContainerRuntime permits ShifterRuntime, PodmanRuntime, ApptainerRuntime {

    RuntimeKind kind();

    /** The command that starts the container and runs {@code argv} inside it, in the launch's workdir. */
    List<String> run(ContainerLaunch launch, List<String> argv);

    /**
     * A short side command that runs {@code argv} in the same image while the main container runs, for the
     * coordinator to reach the engine (the shim's {@code dmtcp-checkpoint}). podman and podman-hpc enter the
     * running container ({@code exec}); shifter and apptainer start a second instance of the image, which
     * shares the host network and so reaches the engine's coordinator on the loopback.
     */
    List<String> helper(ContainerLaunch launch, List<String> argv);

    /**
     * Variables to add to the runtime process's environment (on top of the host's) so that the step's
     * environment reaches the application. Values never appear on a rendered command line.
     */
    default Map<String, String> runtimeEnvironment(ContainerLaunch launch) { return launch.env(); }

    /** Removes a leftover container of an earlier attempt (podman, podman-hpc); empty where processes are plain host processes. */
    Optional<List<String>> cleanup(ContainerLaunch launch);

    /** A one-off {@code run} of the image without a step (for {@code crflow container-check}). */
    default List<String> probe(ContainerLaunch launch, List<String> argv) { return run(launch, argv); }

    static ContainerRuntime of(RuntimeKind kind) {
        return switch (kind) {
            case SHIFTER -> new ShifterRuntime();
            case PODMAN -> new PodmanRuntime(RuntimeKind.PODMAN);
            case PODMAN_HPC -> new PodmanRuntime(RuntimeKind.PODMAN_HPC);
            case APPTAINER -> new ApptainerRuntime();
        };
    }
}
