package dev.crflow.coordinator.container.bench;

import dev.crflow.coordinator.container.CommandRunner;
import dev.crflow.coordinator.container.ContainerDriver;
import dev.crflow.coordinator.container.ContainerLaunch;
import dev.crflow.coordinator.container.ContainerPlan;
import dev.crflow.coordinator.container.Podman;
import dev.crflow.coordinator.container.Shim;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a container costs a step, each figure next to its baseline without a container, on real podman:
 * <ol>
 *   <li>starting the application: {@code podman run … shim exec -- true} vs {@code sh shim exec -- true} on the host;</li>
 *   <li>one blocking DMTCP checkpoint of a running process (a sleep: no fork races with back-to-back checkpoints): the shim's {@code dmtcp-checkpoint} through {@code podman exec}
 *       (what the coordinator does) vs the host's own {@code dmtcp_command --bcheckpoint} against the same coordinator
 *       (the same build here, bind-mounted, so the comparison is fair).</li>
 * </ol>
 * Medians of N runs. Usage: ContainerOverheadBenchmark [N]   (needs podman; part 2 needs /opt/dmtcp)
 */
public final class ContainerOverheadBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path tmp = Files.createTempDirectory("crflow-ctr-bench");
        Map<String, String> env = Podman.environment(tmp);
        String image = Podman.testImage(env);
        CommandRunner run = CommandRunner.system();
        Path ctl = tmp.resolve("ctl");
        Path shimDir = Shim.install(ctl.resolve("container"));
        Path shim = shimDir.resolve(Shim.RESOURCE);

        ContainerLaunch plain = ContainerPlan.of("podman", image, List.of(), List.of(), "bench", "start", tmp, ctl, shimDir, Map.of(), "signal", ContainerPlan.rootless());
        List<String> host = new ArrayList<>(Shim.exec(Optional.empty(), List.of("true")));
        host.set(1, shim.toString());
        List<String> inPodman = new ContainerDriver(plain, run).launchApplication(Optional.empty(), List.of("true"));
        double hostStart = median(n, () -> time(run, host, env));
        double podmanStart = median(n, () -> time(run, inPodman, env));
        System.out.printf("start the application   host sh: %7.1f ms   podman run: %7.1f ms   overhead: %7.1f ms%n",
                hostStart, podmanStart, podmanStart - hostStart);

        if (!Podman.dmtcpPresent()) {
            System.out.println("checkpoint              SKIPPED: DMTCP is not installed at /opt/dmtcp");
            return;
        }
        ContainerLaunch dm = ContainerPlan.of("podman", image, List.of("/opt/dmtcp:/opt/dmtcp:ro"), List.of(), "bench", "ckpt", tmp, ctl, shimDir,
                Map.of(), "dmtcp", ContainerPlan.rootless());
        ContainerDriver driver = new ContainerDriver(dm, run);
        driver.removeLeftover(Duration.ofSeconds(60));
        Path runDir = ctl.resolve("container/run");
        Path ckpt = tmp.resolve("ckpt");
        Files.createDirectories(runDir);
        Files.createDirectories(ckpt);
        ProcessBuilder pb = new ProcessBuilder(driver.launchDmtcp(runDir.toString(), ckpt.toString(), Optional.empty(), Optional.empty(),
                List.of("sleep", "100000"))).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("launch.log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            Path port = runDir.resolve("dmtcp.port");
            for (int i = 0; i < 300 && (!Files.exists(port) || Files.size(port) == 0); i++) Thread.sleep(100);
            Thread.sleep(1000);
            String portText = Files.readString(port).trim();
            List<String> hostCkpt = List.of("/opt/dmtcp/bin/dmtcp_command", "-h", "127.0.0.1", "-p", portText, "--bcheckpoint");
            double viaHost = median(n, () -> time(run, hostCkpt, env));
            double viaShim = median(n, () -> {
                long t0 = System.nanoTime();
                CommandResult r = driver.checkpoint(runDir.toString(), Duration.ofMinutes(2));
                if (!r.ok()) throw new IllegalStateException("checkpoint failed: " + r.stdout() + r.stderr());
                return (System.nanoTime() - t0) / 1e6;
            });
            long bytes = 0;
            try (var s = Files.list(ckpt)) {
                for (Path f : s.filter(f -> f.toString().endsWith(".dmtcp")).toList()) bytes += Files.size(f);
            }
            System.out.printf("DMTCP checkpoint        host dmtcp_command: %7.1f ms   shim via podman exec: %7.1f ms   overhead: %7.1f ms   (%d MB of images)%n",
                    viaHost, viaShim, viaShim - viaHost, bytes / (1024 * 1024));
            driver.quit(runDir.toString(), Duration.ofSeconds(60));
        } finally {
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
            driver.removeLeftover(Duration.ofSeconds(60));
        }
    }

    interface Sample { double ms() throws Exception; }

    static double time(CommandRunner run, List<String> cmd, Map<String, String> env) throws Exception {
        long t0 = System.nanoTime();
        CommandResult r = run.run(cmd, env, Duration.ofMinutes(2));
        if (!r.ok()) throw new IllegalStateException(cmd.get(0) + " failed (" + r.exitCode() + "): " + r.stderr());
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(int n, Sample s) throws Exception {
        s.ms(); // warm-up
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < n; i++) xs.add(s.ms());
        xs.sort(Double::compare);
        return xs.get(xs.size() / 2);
    }

}
