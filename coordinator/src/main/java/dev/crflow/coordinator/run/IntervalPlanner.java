package dev.crflow.coordinator.run;

import dev.crflow.coordinator.interval.InterruptionPrior;
import dev.crflow.coordinator.interval.Measurements;
import dev.crflow.coordinator.interval.YoungDaly;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.spec.StepSpec;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The periodic interval of one attempt: the policy's fixed one, exactly as before, or for {@code interval 'auto'} the
 * one {@link YoungDaly} picks from the journal's {@link Measurements} and the prior ({@link InterruptionPrior}), journaled
 * with its inputs as an {@code interval} event each time it is chosen.
 */
final class IntervalPlanner {
    /** The journal as it is now (the control directory's; a list in tests). */
    interface Events {
        List<JournalEvent> read() throws IOException;
    }

    /** The attempt length the per-attempt prior is spread over when the step has no time limit. */
    static final Duration DEFAULT_ATTEMPT = Duration.ofHours(1);

    private final StepSpec spec;
    private final AttemptJournal journal;
    private final Events events;
    private final Clock clock;
    private final Instant attemptStart;
    private final YoungDaly.Limits limits;

    IntervalPlanner(StepSpec spec, AttemptJournal journal, Events events, Clock clock, Instant attemptStart,
                    YoungDaly.Limits limits) {
        this.spec = spec;
        this.journal = journal;
        this.events = events;
        this.clock = clock;
        this.attemptStart = attemptStart;
        this.limits = limits;
    }

    /**
     * The interval at the attempt's start; empty: no periodic checkpoints. For 'auto', also empty when the interval
     * reaches the time left before the warning signal: the warning's own checkpoint comes first, and a periodic one at
     * the same moment would only race it.
     */
    Optional<Duration> atStart() throws IOException {
        StepSpec.PolicySpec p = spec.checkpoint();
        if (!p.autoInterval()) return p.interval().filter(d -> !d.isZero() && !d.isNegative());
        return choose("attempt-start");
    }

    /** The interval after a periodic checkpoint: the fixed one again, or chosen anew with the cost just measured. */
    Optional<Duration> afterCheckpoint(Optional<Duration> current) throws IOException {
        if (!spec.checkpoint().autoInterval()) return current;
        return choose("checkpoint");
    }

    /**
     * The interval after a periodic checkpoint that committed nothing: the fixed one again; for 'auto' twice the last
     * one (at most the maximum), so that a step whose checkpoints cannot succeed yet (engine 'signal' before its state
     * files exist) does not fail one every minute. The next committed checkpoint chooses from the measurements again.
     */
    Optional<Duration> afterFailedCheckpoint(Optional<Duration> current) {
        if (!spec.checkpoint().autoInterval()) return current;
        return current.map(d -> d.multipliedBy(2).compareTo(limits.maximum()) > 0 ? limits.maximum() : d.multipliedBy(2));
    }

    private Optional<Duration> choose(String trigger) throws IOException {
        StepSpec.PolicySpec p = spec.checkpoint();
        Instant now = clock.instant();
        double running = Duration.between(attemptStart, now).toMillis() / 1000.0;
        Measurements m = Measurements.of(events.read()).plusRunning(running);
        Duration attemptLength = spec.resources().time().orElse(DEFAULT_ATTEMPT);
        double rate = p.interruptionRate().orElse(InterruptionPrior.DEFAULT_RATE);
        double mtbi = InterruptionPrior.mtbiSeconds(rate, attemptLength.toMillis() / 1000.0, m.interruptions(), m.observedSeconds());
        Optional<Duration> untilWarning = spec.resources().time().map(t -> {
            Duration left = t.minus(p.lead()).minus(Duration.between(attemptStart, now));
            return left.isNegative() ? Duration.ZERO : left;
        });
        YoungDaly.Choice c = YoungDaly.choose(m.checkpointSeconds(), m.checkpointSamples() > 0, mtbi, untilWarning, limits);
        journal.interval(new Event.IntervalChoice(journal.attempt(), trigger, c.interval().toMillis() / 1000.0,
                c.bound().wireName(), round(c.dalySeconds()), round(m.checkpointSeconds()), m.checkpointSamples(), round(mtbi),
                m.interruptions(), round(m.observedSeconds()), rate, p.interruptionRate().isPresent(),
                untilWarning.map(d -> d.toMillis() / 1000.0)));
        return c.bound() == YoungDaly.Bound.WALLTIME ? Optional.empty() : Optional.of(c.interval());
    }

    /** Three decimals; a value too large for JSON's numbers (no interruption in sight) as the largest finite double. */
    private static double round(double d) {
        if (!Double.isFinite(d)) return Double.MAX_VALUE;
        return Math.round(d * 1000) / 1000.0;
    }
}
