package dev.crflow.executor.slurm;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One squeue per interval, shared: every caller within {@code ttl} gets the same snapshot. Thread-safe;
 * concurrent callers wait for the one call in flight instead of starting their own.
 */
public final class QueueSnapshotCache {
    private final SlurmClient client;
    private final Supplier<QueueQuery> query;
    private final Duration ttl;
    private final Clock clock;
    private QueueSnapshot current;

    public QueueSnapshotCache(SlurmClient client, Supplier<QueueQuery> query, Duration ttl, Clock clock) {
        this.client = client;
        this.query = query;
        this.ttl = ttl;
        this.clock = clock;
    }

    public synchronized QueueSnapshot snapshot() {
        if (current == null || !current.takenAt().plus(ttl).isAfter(clock.instant())) {
            current = client.queue(query.get());
        }
        return current;
    }

    /** Forget the cached snapshot (after a submit or cancel, so the next look sees the change). */
    public synchronized void invalidate() { current = null; }
}
