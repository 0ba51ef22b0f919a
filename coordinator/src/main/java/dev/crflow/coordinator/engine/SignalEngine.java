package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.LaunchWrapper;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

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
 * only if the application replaces its state files atomically (write a temp file, rename) — say so to users —
 * and it is refused unless every declared entry exists: an application that writes its state file only when
 * signalled has none yet, and a snapshot of its output without it would restart the count from the beginning
 * on top of that output.
 *
 * <p>Restores and relaunches from scratch go through {@link StateFiles}: the declared entries become exactly what
 * they were at the generation (or before the first launch).
 */
public final class SignalEngine implements CheckpointEngine {
    private final String forwardSignal;
    private final List<String> state;
    private final StateFiles stateFiles;

    public SignalEngine(String forwardSignal, List<String> state) {
        this.forwardSignal = Signals.canonical(forwardSignal);
        this.state = List.copyOf(state);
        this.stateFiles = new StateFiles(state);
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
        stateFiles.validate("signal");
    }

    @Override
    public AppProcess launch(EngineContext ctx) throws EngineException {
        stateFiles.baselineForLaunch(ctx);
        return NoneEngine.start(ctx);
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        try {
            StateFiles.restore(generation, ctx.workdir(), manifest.engineData());
        } catch (IOException e) {
            throw new EngineException("cannot restore the state files of " + generation.getFileName() + " into "
                    + ctx.workdir() + ": " + e.getMessage(), e);
        }
        return NoneEngine.start(ctx);
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
            OptionalInt status;
            try {
                exited = Apps.awaitGroupExit(app, deadline);
                status = exited ? app.waitFor(Duration.ZERO) : OptionalInt.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for the application to save its state");
            }
            if (!exited) {
                throw new EngineException("the application did not exit within the lead time after SIG" + forwardSignal
                        + "; its state files may be half-written, so they are not kept (the previous generation stays)");
            }
            if (status.isPresent() && status.getAsInt() == LaunchWrapper.KILLED_STATUS) {
                // SIGKILL cannot be caught: the application did not save; its state files are those of an earlier save,
                // its outputs newer than them (found by scripts/chaos: a snapshot of both made the count repeat itself)
                throw new EngineException("the application was killed (SIGKILL, status 137) instead of saving its state after SIG"
                        + forwardSignal + "; its files are not a checkpoint, so they are not kept (the previous generation stays)");
            }
            OptionalInt other = status.isPresent() ? deathByOtherSignal(status.getAsInt()) : OptionalInt.empty();
            if (other.isPresent()) {
                // Slurm's SIGTERM (scancel, preemption, time limit) reaches every process of the job: an application that
                // does not handle it dies of it, often before the forwarded signal (found by scripts/chaos on Slurm, seed
                // 20261201 trial 4: a generation of a stale 'state' with a newer 'count.out', the count repeated, exit 0)
                throw new EngineException("the application died of signal " + other.getAsInt() + " (status " + status.getAsInt()
                        + ") instead of saving its state on SIG" + forwardSignal + "; its files are not a checkpoint, so they are"
                        + " not kept (the previous generation stays)");
            }
        }
        List<String> missing = new ArrayList<>(state);
        missing.removeAll(stateFiles.present(ctx.workdir()));
        if (!stop && !missing.isEmpty()) {
            throw new EngineException("snapshot refused: the declared state " + missing + " does not exist in " + ctx.workdir()
                    + " yet; a periodic or manual checkpoint copies the state files as the application left them, so the"
                    + " application must write all of them itself as it goes (or drop 'interval')");
        }
        Map<String, Object> data;
        try {
            data = new LinkedHashMap<>(stateFiles.snapshot(target, ctx.workdir()));
        } catch (IOException e) {
            throw new EngineException("cannot copy the state files into the image store: " + e.getMessage(), e);
        }
        if (data.get("state") instanceof List<?> saved && saved.isEmpty()) {
            throw new EngineException("none of the declared state files exist in " + ctx.workdir() + ": " + state
                    + " (does the application write them when it gets SIG" + forwardSignal + "?)");
        }
        data.put("forward", forwardSignal);
        data.put("mode", stop ? "signalled" : "snapshot");
        return data;
    }

    /**
     * The signal (other than the forwarded one) that killed the application, read from the launch wrapper's status
     * {@code 128 + N}, for the signals that end a job (HUP, TERM; KILL is handled above); empty for any other status.
     * Dying of the forwarded signal itself is left to the application's own convention (some save, then re-raise).
     */
    private OptionalInt deathByOtherSignal(int status) {
        int hup = Signals.number("HUP"), term = Signals.number("TERM");
        int n = status - 128;
        return (n == hup || n == term) && n != Signals.number(forwardSignal) ? OptionalInt.of(n) : OptionalInt.empty();
    }
}
