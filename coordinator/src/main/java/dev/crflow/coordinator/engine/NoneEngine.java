package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.LaunchWrapper;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** No checkpoint: every attempt starts from scratch; the coordinator still requeues and counts. */
public final class NoneEngine implements CheckpointEngine {
    @Override public String name() { return "none"; }
    @Override public String version() { return "n/a"; }
    @Override public void check() {}
    @Override public boolean canCheckpoint() { return false; }

    @Override
    public AppProcess launch(EngineContext ctx) throws EngineException {
        return start(ctx);
    }

    static AppProcess start(EngineContext ctx) throws EngineException {
        try {
            return ctx.launcher().start(
                    LaunchWrapper.groupLeader(LaunchWrapper.withCompletionMarker(ctx.ctl().exitMarker(), ctx.application())),
                    ctx.env(), ctx.workdir());
        } catch (IOException e) {
            throw new EngineException("cannot start the application: " + e.getMessage()
                    + " (are setsid and setpriv from util-linux on PATH?)", e);
        }
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        return launch(ctx);
    }

    @Override
    public Map<String, Object> checkpoint(EngineContext ctx, AppProcess app, ImageStore.Pending target, boolean stop,
                                          Deadline deadline) throws EngineException {
        throw new EngineException("engine 'none' cannot checkpoint");
    }
}
