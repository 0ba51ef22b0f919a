package dev.crflow.coordinator.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a step's {@code container} block into a {@link ContainerLaunch}: what is bound, which network,
 * which name. The rules, in one place:
 * <ul>
 *   <li>the workdir and the control directory are seen at their own paths inside (so every path in
 *       {@code spec.json}, the journal and DMTCP's restart files means the same thing inside and out);</li>
 *   <li>the shim's directory is bound read-only at {@link Shim#DIR_IN_CONTAINER};</li>
 *   <li>the user's mounts follow, in the order written;</li>
 *   <li>{@code SLURM_*} and {@code CRFLOW_*} pass through, with the step's own environment;</li>
 *   <li>engine {@code dmtcp} shares the host network: DMTCP's coordinator listens on the loopback and the
 *       shim's side invocations ({@code dmtcp-checkpoint}) reach it there; other engines keep the runtime's
 *       default network.</li>
 * </ul>
 */
public final class ContainerPlan {
    public static final List<String> PASS_PREFIXES = List.of("SLURM_", "CRFLOW_");

    private ContainerPlan() {}

    /**
     * @param runtime  DSL or enum spelling ({@code podman-hpc} or {@code PODMAN_HPC})
     * @param engine   {@code dmtcp|criu|signal|none}, any case
     * @param jobId    the Slurm job id (or the local executor's), part of the container's name
     * @param shimDir  where {@link Shim#install} put the shim (normally {@code <ctl>/container})
     */
    public static ContainerLaunch of(String runtime, String image, List<String> mounts, List<String> modules,
                                     String stepName, String jobId, Path workdir, Path ctl, Path shimDir,
                                     Map<String, String> env, String engine, boolean rootless) {
        RuntimeKind kind = RuntimeKind.parse(runtime).orElseThrow(() -> new IllegalArgumentException(
                "unknown container runtime '" + runtime + "'; use one of " + RuntimeKind.choices()));
        ImageReference ref = ImageReference.parse(kind, image);
        String wd = workdir.toAbsolutePath().normalize().toString();
        String ctlPath = ctl.toAbsolutePath().normalize().toString();
        List<String> shared = new ArrayList<>();
        shared.add(wd);
        if (!ctlPath.equals(wd) && !ctlPath.startsWith(wd + "/")) shared.add(ctlPath);
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(shimDir.toAbsolutePath().normalize().toString(), Shim.DIR_IN_CONTAINER, true));
        for (String m : mounts) binds.add(Bind.parse(m));
        boolean hostNetwork = engine != null && engine.equalsIgnoreCase("dmtcp");
        return new ContainerLaunch(kind, ref, Optional.of(containerName(stepName, jobId)), wd, shared, binds, env,
                PASS_PREFIXES, modules, hostNetwork, rootless);
    }

    /** {@code crflow-<step>-<job>}, reduced to the characters podman accepts in a name. */
    public static String containerName(String stepName, String jobId) {
        String raw = "crflow-" + stepName + "-" + (jobId == null || jobId.isBlank() ? "local" : jobId);
        String cleaned = raw.replaceAll("[^a-zA-Z0-9_.-]", "_");
        return cleaned.length() > 120 ? cleaned.substring(0, 120) : cleaned;
    }

    /** Whether this process runs as a user other than root (podman is then rootless). */
    public static boolean rootless() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return !line.split("\\s+")[2].equals("0");
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the user name
        }
        return !"root".equals(System.getProperty("user.name"));
    }
}
