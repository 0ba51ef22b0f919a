package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Application-native checkpointing (the seeds' {@code count-signal.py}): the application writes its own
 * state when it receives the {@code forward} signal and exits; crflow persists the declared {@code state}
 * files/directories (relative to the workdir) as a generation and restores them before relaunching.
 *
 * <p>Stop checkpoint (warning signal, SIGTERM, "checkpoint and stop"): forward the signal to the whole
 * process group, wait within the deadline for the group to exit, then copy the state. Any exit status after
 * the forwarded signal is a preemption, not a failure or a completion.
 *
 * <p>Periodic/manual checkpoint ({@code interval}, "checkpoint now"): the application is <em>not</em>
 * signalled (that would end it); the state files are copied as they are now. Such a snapshot is consistent
 * only if the application replaces its state files atomically (write a temp file, rename) — say so to users.
 */
public final class SignalEngine implements CheckpointEngine {
    static final String STATE_DIR = "state";
    private final String forwardSignal;
    private final List<String> state;

    public SignalEngine(String forwardSignal, List<String> state) {
        this.forwardSignal = Signals.canonical(forwardSignal);
        this.state = List.copyOf(state);
    }

    @Override public String name() { return "signal"; }
    @Override public String version() { return "n/a"; }
    @Override public boolean canCheckpoint() { return true; }

    @Override
    public void check() throws EngineException {
        try {
            Signals.number(forwardSignal);
        } catch (IllegalArgumentException e) {
            throw new EngineException("engine 'signal': " + e.getMessage());
        }
        if (state.isEmpty()) {
            throw new EngineException("engine 'signal' needs 'state': the files the application writes when it gets SIG"
                    + forwardSignal + " (e.g. state 'state.txt')");
        }
        for (String s : state) {
            Path p = Path.of(s);
            if (p.isAbsolute() || p.normalize().startsWith("..")) {
                throw new EngineException("engine 'signal': state '" + s + "' must be relative to the workdir and stay inside it");
            }
        }
    }

    @Override
    public AppProcess launch(EngineContext ctx) throws EngineException {
        return NoneEngine.start(ctx);
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        try {
            restoreState(generation.resolve(STATE_DIR), ctx.workdir());
        } catch (IOException e) {
            throw new EngineException("cannot restore the state files of " + generation.getFileName() + " into "
                    + ctx.workdir() + ": " + e.getMessage(), e);
        }
        return NoneEngine.start(ctx);
    }

    /** Puts every saved entry back, each replaced by rename so a crash leaves the old or the restored copy. */
    static void restoreState(Path savedRoot, Path workdir) throws IOException {
        if (!Files.isDirectory(savedRoot)) return;
        List<Path> entries = new ArrayList<>();
        try (var walk = Files.walk(savedRoot, 64)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(entries::add);
        }
        for (Path saved : entries) {
            Path rel = savedRoot.relativize(saved);
            Path target = workdir.resolve(rel.toString()).normalize();
            if (!target.startsWith(workdir)) throw new IOException("saved state escapes the workdir: " + rel);
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".crflow-restore-" + UUID.randomUUID().toString().substring(0, 8));
            Files.copy(saved, tmp, StandardCopyOption.REPLACE_EXISTING);
            SafeFiles.makePrivate(tmp);
            SafeFiles.fsyncFile(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Map<String, Object> checkpoint(EngineContext ctx, AppProcess app, ImageStore.Pending target, boolean stop,
                                          Deadline deadline) throws EngineException {
        if (stop) {
            if (app.isAlive()) {
                app.signalGroup(Signals.number(forwardSignal));
                ctx.log().accept("forwarded SIG" + forwardSignal + " to process group " + app.pgid()
                        + ", waiting up to " + deadline.remaining().toSeconds() + " s for it to save and exit");
            }
            boolean exited;
            try {
                exited = Apps.awaitGroupExit(app, deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for the application to save its state");
            }
            if (!exited) {
                throw new EngineException("the application did not exit within the lead time after SIG" + forwardSignal
                        + "; its state files may be half-written, so they are not kept (the previous generation stays)");
            }
        }
        List<String> saved = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try {
            for (String s : state) {
                Path src = ctx.workdir().resolve(s).normalize();
                if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                    missing.add(s);
                    continue;
                }
                target.copyIn(src, STATE_DIR + "/" + Path.of(s).normalize());
                saved.add(s);
            }
        } catch (IOException e) {
            throw new EngineException("cannot copy the state files into the image store: " + e.getMessage(), e);
        }
        if (saved.isEmpty()) {
            throw new EngineException("none of the declared state files exist in " + ctx.workdir() + ": " + state
                    + " (does the application write them when it gets SIG" + forwardSignal + "?)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", saved);
        data.put("missing", missing);
        data.put("forward", forwardSignal);
        data.put("mode", stop ? "signalled" : "snapshot");
        return data;
    }
}
