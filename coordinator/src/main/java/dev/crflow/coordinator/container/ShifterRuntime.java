package dev.crflow.coordinator.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code shifter --module=… --image=… [--volume=host:ctr[:ro]]… ARGV}, as in the NERSC job scripts.
 *
 * <p>Shifter runs the command as the user, in the host's network and PID namespaces, with the caller's
 * environment and working directory, and mounts the site's file systems ($HOME, $SCRATCH, /global) itself:
 * the step's workdir and control directory must live there (the usual case on Perlmutter), so only the
 * user's own mounts and the shim's read-only directory are rendered as {@code --volume}. The image must
 * have been pulled with {@code shifterimg pull}; in a batch job {@code #SBATCH --image=} does that
 * staging (rendered by the executor) and {@code --image=} here names the same image.
 */
public final class ShifterRuntime implements ContainerRuntime {

    @Override public RuntimeKind kind() { return RuntimeKind.SHIFTER; }

    @Override
    public List<String> run(ContainerLaunch launch, List<String> argv) {
        List<String> cmd = new ArrayList<>();
        cmd.add("shifter");
        if (!launch.modules().isEmpty()) cmd.add("--module=" + String.join(",", launch.modules()));
        cmd.add("--image=" + launch.image().text());
        for (Bind b : launch.binds()) cmd.add("--volume=" + b.render());
        cmd.addAll(argv);
        return List.copyOf(cmd);
    }

    @Override
    public List<String> helper(ContainerLaunch launch, List<String> argv) { return run(launch, argv); }

    @Override
    public Optional<List<String>> cleanup(ContainerLaunch launch) { return Optional.empty(); }
}
