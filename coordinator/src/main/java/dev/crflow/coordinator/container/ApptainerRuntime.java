package dev.crflow.coordinator.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code apptainer exec --bind h:c[:ro]… --pwd W IMAGE ARGV}.
 *
 * <p>Apptainer shares the host's network and PID namespace and passes the host environment (SLURM_* included)
 * by default, so nothing is rendered for them. The step's own variables go through {@code APPTAINERENV_NAME}
 * in apptainer's environment (see {@link #runtimeEnvironment}): they then win over variables the image
 * defines, as {@code --env} would, but without splitting values at commas ({@code --env} does) and without
 * showing values in the process list. Modules are a shifter/podman-hpc notion and are not rendered (bind what
 * a module would provide with {@code mounts}).
 */
public final class ApptainerRuntime implements ContainerRuntime {

    @Override public RuntimeKind kind() { return RuntimeKind.APPTAINER; }

    @Override
    public List<String> run(ContainerLaunch launch, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("apptainer", "exec"));
        for (String p : launch.sharedPaths()) { cmd.add("--bind"); cmd.add(p + ":" + p); }
        for (Bind b : launch.binds()) { cmd.add("--bind"); cmd.add(b.render()); }
        cmd.add("--pwd");
        cmd.add(launch.workdir());
        cmd.add(launch.image().text());
        cmd.addAll(argv);
        return List.copyOf(cmd);
    }

    @Override
    public Map<String, String> runtimeEnvironment(ContainerLaunch launch) {
        Map<String, String> env = new LinkedHashMap<>(launch.env());
        launch.env().forEach((k, v) -> env.put("APPTAINERENV_" + k, v));
        return env;
    }

    @Override
    public List<String> helper(ContainerLaunch launch, List<String> argv) { return run(launch, argv); }

    @Override
    public Optional<List<String>> cleanup(ContainerLaunch launch) { return Optional.empty(); }
}
