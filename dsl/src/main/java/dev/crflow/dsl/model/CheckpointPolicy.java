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
 * @param autoInterval {@code interval 'auto'}: the coordinator picks the periodic interval at every attempt start from
 *                    the measured checkpoint cost and interruption rate ({@code interval} is then empty)
 * @param interruptionRate the site's prior chance that an attempt ends early (settings' {@code interruptionRate}),
 *                    put here for the coordinator's automatic interval; empty: the coordinator's default prior
 * @param incremental engine 'criu': a checkpoint writes only the pages changed since the previous generation (default true)
 * @param compress    committed generations are compressed (zstd) in the background, never on the checkpoint's path
 * @param dedup       committed generations are stored as content-defined chunks shared between generations
 * @param fromScratch work was done but no generation is usable: end the step (default) or start over from the declared
 *                    state files' pre-launch state
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
        boolean autoInterval,
        Optional<Double> interruptionRate,
        boolean incremental,
        boolean compress,
        boolean dedup,
        FromScratch fromScratch) {

    public static final String DEFAULT_SIGNAL = "USR1";
    public static final Duration DEFAULT_LEAD = Duration.ofSeconds(60);
    public static final int DEFAULT_KEEP = 2;
    public static final int DEFAULT_MAX_RESTARTS = 50;

    public CheckpointPolicy {
        state = List.copyOf(state);
        if (onCancel == null) onCancel = OnCancel.CHECKPOINT;
        if (fromScratch == null) fromScratch = FromScratch.REFUSE;
        if (interruptionRate == null) interruptionRate = Optional.empty();
        if (autoInterval) interval = Optional.empty();   // one or the other, never both
    }

    /**
     * Compression and deduplication default to on for process images (DMTCP, CRIU: several-fold smaller, and mostly
     * the same from one generation to the next) and off for an application's own state files ('signal'). A packing
     * pass runs in bounded memory (docs/benchmarks/storage.md); CRIU generations in an incremental chain stay plain
     * whatever these say (the coordinator's store/Chains).
     */
    public static boolean packsByDefault(Engine engine) { return engine == Engine.DMTCP || engine == Engine.CRIU; }

    /** The policy that refuses to start over from scratch (the default {@code fromScratch}). */
    public CheckpointPolicy(Engine engine, Optional<Duration> interval, String signal, Duration lead, Optional<String> forward,
                            List<String> state, int keep, int maxRestarts, Optional<Duration> totalTime, OnCancel onCancel,
                            boolean autoInterval, Optional<Double> interruptionRate, boolean incremental, boolean compress,
                            boolean dedup) {
        this(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime, onCancel, autoInterval,
                interruptionRate, incremental, compress, dedup, FromScratch.REFUSE);
    }

    /**
     * A policy with a fixed interval or none (no automatic interval, no prior), CRIU checkpoints incremental, and the
     * engine's default {@code compress} and {@code dedup}.
     */
    public CheckpointPolicy(Engine engine, Optional<Duration> interval, String signal, Duration lead, Optional<String> forward,
                            List<String> state, int keep, int maxRestarts, Optional<Duration> totalTime, OnCancel onCancel) {
        this(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime, onCancel, false, Optional.empty(), true,
                packsByDefault(engine), packsByDefault(engine));
    }

    /** The policy with the default {@code onCancel} (a last checkpoint). */
    public CheckpointPolicy(Engine engine, Optional<Duration> interval, String signal, Duration lead, Optional<String> forward,
                            List<String> state, int keep, int maxRestarts, Optional<Duration> totalTime) {
        this(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime, OnCancel.CHECKPOINT);
    }

    /** This policy with other state files (a bridge adds the declared outputs), every other setting kept. */
    public CheckpointPolicy withState(List<String> newState) {
        return new CheckpointPolicy(engine, interval, signal, lead, forward, newState, keep, maxRestarts, totalTime, onCancel,
                autoInterval, interruptionRate, incremental, compress, dedup, fromScratch);
    }

    /** This policy with the site's prior interruption rate (used only with {@link #autoInterval()}). */
    public CheckpointPolicy withInterruptionRate(Optional<Double> rate) {
        return new CheckpointPolicy(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime, onCancel,
                autoInterval, rate, incremental, compress, dedup, fromScratch);
    }

    /** A step without a checkpoint block: no images, but still requeued on walltime and counted. */
    public static CheckpointPolicy none() {
        return new CheckpointPolicy(Engine.NONE, Optional.empty(), DEFAULT_SIGNAL, DEFAULT_LEAD,
                Optional.empty(), List.of(), DEFAULT_KEEP, DEFAULT_MAX_RESTARTS, Optional.empty());
    }
}
