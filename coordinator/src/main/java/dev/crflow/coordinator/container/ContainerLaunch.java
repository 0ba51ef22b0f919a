package dev.crflow.coordinator.container;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a runtime needs to render one container invocation for a step. Built by
 * {@link ContainerPlan}; rendered by a {@link ContainerRuntime}.
 *
 * @param name          container name (podman, podman-hpc) so a later attempt can remove a leftover and the
 *                      coordinator can {@code exec} into it; ignored by runtimes without named containers
 * @param workdir       the step's working directory, bound at the same path and made the container's cwd
 * @param sharedPaths   host paths seen at the same path inside (the workdir, the control directory): bound by
 *                      podman and apptainer, reached through the site's own mounts by shifter
 * @param binds         the user's mounts and the shim's read-only directory, in mount order
 * @param env           the step's own environment (DSL order)
 * @param passPrefixes  host variables passed through by prefix: {@code SLURM_}, {@code CRFLOW_}
 * @param modules       shifter {@code --module=} / podman-hpc module flags
 * @param hostNetwork   share the host's network (the engine talks to a coordinator on the host loopback)
 * @param rootless      podman run by a non-root user: keep the user's id inside ({@code --userns keep-id})
 */
public record ContainerLaunch(
        RuntimeKind runtime,
        ImageReference image,
        Optional<String> name,
        String workdir,
        List<String> sharedPaths,
        List<Bind> binds,
        Map<String, String> env,
        List<String> passPrefixes,
        List<String> modules,
        boolean hostNetwork,
        boolean rootless) {

    public ContainerLaunch {
        sharedPaths = List.copyOf(sharedPaths);
        binds = List.copyOf(binds);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        passPrefixes = List.copyOf(passPrefixes);
        modules = List.copyOf(modules);
        if (image.runtime() != runtime) throw new IllegalArgumentException("image parsed for " + image.runtime() + ", launched with " + runtime);
    }
}
