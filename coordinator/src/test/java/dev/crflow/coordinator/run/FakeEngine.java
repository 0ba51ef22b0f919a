package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.engine.CheckpointEngine;
import dev.crflow.coordinator.engine.Deadline;
import dev.crflow.coordinator.engine.EngineContext;
import dev.crflow.coordinator.engine.EngineException;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An engine without processes: the "application" is a flag. It writes its state as one file per checkpoint and can
 * be told to end the application with an exit status (writing the launch wrapper's completion marker, as the real
 * launch wrapper does) or to fail its next checkpoint or restart.
 */
final class FakeEngine implements CheckpointEngine {
    final ControlDir ctl;
    final List<String> calls = new ArrayList<>();
    boolean canCheckpoint = true;
    Optional<String> failCheckpoint = Optional.empty();
    /** Generations whose restart fails ("cannot restore"). */
    final java.util.Set<Integer> unrestorable = new java.util.HashSet<>();
    /** The application ends by itself with this status right after it starts (marker written). */
    Optional<Integer> exitAtStart = Optional.empty();
    FakeApp app;
    /** A periodic checkpoint moves the application to new processes with this pgid (DMTCP's kill and resume). */
    Optional<Integer> moveOnCheckpoint = Optional.empty();
    /** {@code app-process.json} as each checkpoint found it. */
    final List<String> appProcessSeen = new ArrayList<>();
    /** The application completes during this (1-based) checkpoint. */
    int completeAtCheckpoint = -1;

    FakeEngine(Path ctl) { this.ctl = ControlDir.of(ctl); }

    @Override public String name() { return "fake"; }
    @Override public String version() { return "1.0"; }
    @Override public void check() {}
    @Override public boolean canCheckpoint() { return canCheckpoint; }

    @Override
    public AppProcess launch(EngineContext ctx) {
        calls.add("launch");
        return start();
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        calls.add("restart " + manifest.generation());
        if (unrestorable.contains(manifest.generation())) throw new EngineException("cannot restore");
        return start();
    }

    private AppProcess start() {
        app = new FakeApp();
        exitAtStart.ifPresent(this::exit);
        return app;
    }

    /** The application returns by itself with {@code status}. */
    void exit(int status) {
        try {
            Files.writeString(ctl.exitMarker(), Integer.toString(status));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        app.end(status);
    }

    @Override
    public Map<String, Object> checkpoint(EngineContext ctx, AppProcess running, ImageStore.Pending target, boolean stop,
                                          Deadline deadline) throws EngineException {
        calls.add("checkpoint" + (stop ? " stop" : ""));
        if (failCheckpoint.isPresent()) throw new EngineException(failCheckpoint.get());
        try {
            appProcessSeen.add(Files.exists(ctl.appProcess()) ? Files.readString(ctl.appProcess()) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (appProcessSeen.size() == completeAtCheckpoint) exit(0);
        else if (!stop) moveOnCheckpoint.ifPresent(pg -> ((FakeApp) running).pgid = pg);
        try {
            Files.writeString(target.dir().resolve("state"), "state of " + calls.size());
        } catch (IOException e) {
            throw new EngineException("cannot write: " + e.getMessage());
        }
        if (stop) ((FakeApp) running).end(0);
        return Map.of("fake", true);
    }

    /** A process group that never existed: signals end it at once. */
    static final class FakeApp implements AppProcess {
        private volatile boolean alive = true;
        private volatile int status;
        volatile int pgid = Integer.MAX_VALUE - 1;

        void end(int s) {
            status = s;
            alive = false;
        }

        @Override public int pgid() { return pgid; }
        @Override public boolean isAlive() { return alive; }
        @Override public boolean groupAlive() { return alive; }

        @Override
        public OptionalInt waitFor(Duration timeout) throws InterruptedException {
            if (alive) Thread.sleep(Math.min(timeout.toMillis(), 50));
            return alive ? OptionalInt.empty() : OptionalInt.of(status);
        }

        @Override
        public boolean signalGroup(int signal) {
            if (signal != 18) end(128 + signal); // SIGCONT does not end anything
            return true;
        }
    }
}
