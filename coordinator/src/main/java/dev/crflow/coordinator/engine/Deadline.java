package dev.crflow.coordinator.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A deadline that a signal handler may bring forward while an engine waits on it (SIGTERM during a
 * warning-signal checkpoint shortens what is left to the kill grace).
 */
public final class Deadline {
    private final Clock clock;
    private final AtomicReference<Instant> at;

    public Deadline(Clock clock, Instant at) {
        this.clock = clock;
        this.at = new AtomicReference<>(at);
    }

    public static Deadline in(Clock clock, Duration d) { return new Deadline(clock, clock.instant().plus(d)); }

    public Instant at() { return at.get(); }

    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), at.get());
        return d.isNegative() ? Duration.ZERO : d;
    }

    public boolean expired() { return !clock.instant().isBefore(at.get()); }

    /** Moves the deadline earlier, never later. */
    public void shortenTo(Instant earlier) { at.accumulateAndGet(earlier, (a, b) -> b.isBefore(a) ? b : a); }
}
