package dev.crflow.coordinator.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code podman run} and NERSC's {@code podman-hpc run} (a wrapper that adds the site's configuration and
 * modules such as {@code --mpi}):
 * {@code run [--userns keep-id] --rm [--mpi] --name N [--network host] -e SLURM_* -e NAME… -v h:c[:ro]… -w W IMAGE ARGV}.
 *
 * <ul>
 *   <li>{@code --userns keep-id}: always for podman-hpc (as in the NERSC scripts), for podman only when
 *       rootless (root cannot keep-id): files written in the workdir belong to the user.</li>
 *   <li>No {@code -it}: a batch job has no terminal; signals reach the container through podman's
 *       signal proxy (on by default) and the shim, which is PID 1 there, forwards them.</li>
 *   <li>Environment by name only ({@code -e NAME}, {@code -e 'SLURM_*'}): podman copies the value from its own
 *       environment, which the coordinator sets, so no value shows in the process list.</li>
 *   <li>podman-hpc modules: {@code cvmfs} is the NERSC scripts' {@code -v /cvmfs:/cvmfs}; any other module
 *       is podman-hpc's own flag ({@code gpu} → {@code --gpu}); {@code --mpi} is always on, as in the scripts.</li>
 * </ul>
 */
public final class PodmanRuntime implements ContainerRuntime {
    private final RuntimeKind kind;

    PodmanRuntime(RuntimeKind kind) {
        if (kind != RuntimeKind.PODMAN && kind != RuntimeKind.PODMAN_HPC) throw new IllegalArgumentException(kind.command());
        this.kind = kind;
    }

    @Override public RuntimeKind kind() { return kind; }

    private boolean hpc() { return kind == RuntimeKind.PODMAN_HPC; }

    @Override
    public List<String> run(ContainerLaunch launch, List<String> argv) {
        List<String> cmd = new ArrayList<>();
        cmd.add(kind.command());
        cmd.add("run");
        if (hpc() || launch.rootless()) { cmd.add("--userns"); cmd.add("keep-id"); }
        cmd.add("--rm");
        if (hpc()) {
            cmd.add("--mpi");
            for (String m : launch.modules()) {
                if (!m.equals("cvmfs") && !m.equals("mpi")) cmd.add("--" + m);
            }
        }
        launch.name().ifPresent(n -> { cmd.add("--name"); cmd.add(n); });
        if (launch.hostNetwork()) { cmd.add("--network"); cmd.add("host"); }
        for (String prefix : launch.passPrefixes()) { cmd.add("-e"); cmd.add(prefix + "*"); }
        for (Map.Entry<String, String> e : launch.env().entrySet()) {
            if (launch.passPrefixes().stream().noneMatch(e.getKey()::startsWith)) { cmd.add("-e"); cmd.add(e.getKey()); }
        }
        if (hpc() && launch.modules().contains("cvmfs")) { cmd.add("-v"); cmd.add("/cvmfs:/cvmfs"); }
        for (String p : launch.sharedPaths()) { cmd.add("-v"); cmd.add(p + ":" + p); }
        for (Bind b : launch.binds()) { cmd.add("-v"); cmd.add(b.render()); }
        cmd.add("-w");
        cmd.add(launch.workdir());
        cmd.add(launch.image().text());
        cmd.addAll(argv);
        return List.copyOf(cmd);
    }

    @Override
    public List<String> helper(ContainerLaunch launch, List<String> argv) {
        String name = launch.name().orElseThrow(() -> new IllegalStateException("a podman helper needs the container's name"));
        List<String> cmd = new ArrayList<>(List.of(kind.command(), "exec", name));
        cmd.addAll(argv);
        return List.copyOf(cmd);
    }

    @Override
    public Optional<List<String>> cleanup(ContainerLaunch launch) {
        return launch.name().map(n -> List.of(kind.command(), "rm", "--force", "--ignore", n));
    }

    @Override
    public List<String> probe(ContainerLaunch launch, List<String> argv) {
        // a check needs no name (two checks may run at once) and never pulls behind the user's back
        ContainerLaunch unnamed = new ContainerLaunch(launch.runtime(), launch.image(), Optional.empty(), launch.workdir(),
                launch.sharedPaths(), launch.binds(), launch.env(), launch.passPrefixes(), launch.modules(), launch.hostNetwork(), launch.rootless());
        List<String> cmd = new ArrayList<>(run(unnamed, argv));
        cmd.add(2, "--pull=never");
        return List.copyOf(cmd);
    }
}
