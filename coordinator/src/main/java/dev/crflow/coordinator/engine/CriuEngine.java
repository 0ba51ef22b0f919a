package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Transparent dump/restore of the application's process tree with CRIU (root only). Refuses clearly when
 * {@code criu check} fails: Debian 12's CRIU 3.17 fails on kernels ≥ 6.13 ("vdso: Unexpected rt vDSO area
 * bounds"); CRIU ≥ 4.1 fixes it. The dump goes straight into the generation being written (no copy).
 * A restored tree is not the coordinator's child: its end is seen by polling, its exit code by the marker.
 */
public final class CriuEngine implements CheckpointEngine {
    private static final Pattern VERSION = Pattern.compile("Version:\\s*(\\S+)");
    private final ProcessLauncher launcher;
    private String version = "unknown";

    public CriuEngine(ProcessLauncher launcher) { this.launcher = launcher; }

    @Override public String name() { return "criu"; }
    @Override public String version() { return version; }
    @Override public boolean canCheckpoint() { return true; }

    @Override
    public void check() throws EngineException {
        try {
            CommandResult v = launcher.run(List.of("criu", "--version"), Map.of(), Duration.ofSeconds(10));
            Matcher m = VERSION.matcher(v.output());
            if (m.find()) version = m.group(1);
            CommandResult r = launcher.run(List.of("criu", "check"), Map.of(), Duration.ofSeconds(60));
            if (!r.ok()) {
                throw new EngineException("engine 'criu': `criu check` fails with CRIU " + version + " on this kernel: "
                        + r.output().lines().reduce((a, b) -> b).orElse("") + ". CRIU >= 4.1 is needed on kernels >= 6.13"
                        + " (Debian 12's 3.17 fails with 'Unexpected rt vDSO area bounds'); CRIU also needs root."
                        + " Install a newer CRIU or choose engine 'dmtcp' or 'signal'");
            }
        } catch (IOException e) {
            throw new EngineException("engine 'criu': criu not found on PATH (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public AppProcess launch(EngineContext ctx) throws EngineException {
        return NoneEngine.start(ctx);
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        Path pidFile = ctx.ctl().root().resolve("criu-restored.pid");
        try {
            Files.deleteIfExists(pidFile);
            CommandResult r = launcher.run(List.of("criu", "restore", "-D", generation.resolve("criu").toString(),
                    "--restore-detached", "--pidfile", pidFile.toString(), "-o", "restore.log"), Map.of(), Duration.ofMinutes(30));
            if (!r.ok()) throw new EngineException("criu restore failed (" + r.exitCode() + "): " + r.output()
                    + " (log: " + generation.resolve("criu/restore.log") + ")");
            int pid = Integer.parseInt(Files.readString(pidFile).trim());
            return new DetachedProcess(pid);
        } catch (IOException | NumberFormatException e) {
            throw new EngineException("criu restore: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> checkpoint(EngineContext ctx, AppProcess app, ImageStore.Pending target, boolean stop,
                                          Deadline deadline) throws EngineException {
        Path dir = target.dir().resolve("criu");
        try {
            Files.createDirectories(dir);
            List<String> cmd = new ArrayList<>(List.of("criu", "dump", "-t", Integer.toString(app.pgid()), "-D", dir.toString(),
                    "-o", "dump.log", "--tcp-established", "--file-locks"));
            if (!stop) cmd.add("--leave-running");
            Duration d = deadline.remaining();
            CommandResult r = launcher.run(cmd, Map.of(), d.isZero() ? Duration.ofSeconds(1) : d);
            if (!r.ok()) throw new EngineException("criu dump failed (" + r.exitCode() + "): " + r.output() + " (log: " + dir.resolve("dump.log") + ")");
        } catch (IOException e) {
            throw new EngineException("criu dump: " + e.getMessage(), e);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dir", "criu");
        data.put("pid", app.pgid());
        return data;
    }

    /** A process that is not our child (restored by CRIU): alive while its pid exists. */
    static final class DetachedProcess implements AppProcess {
        private final int pid;
        DetachedProcess(int pid) { this.pid = pid; }
        @Override public int pgid() { return pid; }
        @Override public boolean isAlive() { return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); }
        @Override public OptionalInt waitFor(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (isAlive() && System.nanoTime() < end) Thread.sleep(20);
            return isAlive() ? OptionalInt.empty() : OptionalInt.of(-1);
        }
        @Override public boolean signalGroup(int signal) { return Posix.signalGroup(pid, signal); }
        @Override public boolean groupAlive() { return Posix.groupExists(pid); }
    }
}
