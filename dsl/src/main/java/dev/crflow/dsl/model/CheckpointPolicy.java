package dev.crflow.dsl.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How one step is checkpointed, signalled and requeued, every default resolved.
 *
 * @param engine      dmtcp | criu | signal | none
 * @param interval    periodic checkpoint interval; empty: checkpoint only on the warning signal
 * @param signal      Slurm's warning signal, canonical name without "SIG" (e.g. "USR1"); rendered as --signal=B:SIG@lead
 * @param lead        how long before the time limit the warning signal arrives
 * @param forward     engine 'signal': the signal the application handles (canonical name); empty for other engines
 * @param state       engine 'signal': files/directories (relative to the workdir) persisted as a generation
 * @param keep        image generations kept (>= 1)
 * @param maxRestarts walltime/preemption/node-loss requeues allowed
 * @param totalTime   compute budget across all attempts; empty: unlimited
 * @param onCancel    a user's scancel: last checkpoint (default) or stop at once; the step ends CANCELLED either way
 * @param compress    committed generations are compressed (zstd) in the background, never on the checkpoint's path
 * @param dedup       committed generations are stored as content-defined chunks shared between generations
 */
public record CheckpointPolicy(
        Engine engine,
        Optional<Duration> interval,
        String signal,
        Duration lead,
        Optional<String> forward,
        List<String> state,
        int keep,
        int maxRestarts,
        Optional<Duration> totalTime,
        OnCancel onCancel,
        boolean compress,
        boolean dedup) {

    public static final String DEFAULT_SIGNAL = "USR1";
    public static final Duration DEFAULT_LEAD = Duration.ofSeconds(60);
    public static final int DEFAULT_KEEP = 2;
    public static final int DEFAULT_MAX_RESTARTS = 50;

    public CheckpointPolicy {
        state = List.copyOf(state);
        if (onCancel == null) onCancel = OnCancel.CHECKPOINT;
    }

    /**
     * Compression and deduplication default to on for process images (DMTCP, CRIU: several-fold smaller, and mostly
     * the same from one generation to the next) and off for an application's own state files ('signal').
     */
    public static boolean packsByDefault(Engine engine) { return engine == Engine.DMTCP || engine == Engine.CRIU; }

    /** The policy with the engine's default {@code compress} and {@code dedup}. */
    public CheckpointPolicy(Engine engine, Optional<Duration> interval, String signal, Duration lead, Optional<String> forward,
                            List<String> state, int keep, int maxRestarts, Optional<Duration> totalTime, OnCancel onCancel) {
        this(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime, onCancel,
                packsByDefault(engine), packsByDefault(engine));
    }

    /** The policy with the default {@code onCancel} (a last checkpoint). */
    public CheckpointPolicy(Engine engine, Optional<Duration> interval, String signal, Duration lead, Optional<String> forward,
                            List<String> state, int keep, int maxRestarts, Optional<Duration> totalTime) {
        this(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime, OnCancel.CHECKPOINT);
    }

    /** A step without a checkpoint block: no images, but still requeued on walltime and counted. */
    public static CheckpointPolicy none() {
        return new CheckpointPolicy(Engine.NONE, Optional.empty(), DEFAULT_SIGNAL, DEFAULT_LEAD,
                Optional.empty(), List.of(), DEFAULT_KEEP, DEFAULT_MAX_RESTARTS, Optional.empty());
    }
}
