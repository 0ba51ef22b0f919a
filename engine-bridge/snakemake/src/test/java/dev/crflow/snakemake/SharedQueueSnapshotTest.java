package dev.crflow.snakemake;

import dev.crflow.executor.slurm.QueueEntry;
import dev.crflow.executor.slurm.QueueSnapshot;
import dev.crflow.executor.slurm.SlurmState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

class SharedQueueSnapshotTest {
    @TempDir Path dir;

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-21T12:00:00Z"));
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
        void advance(Duration d) { now.updateAndGet(t -> t.plus(d)); }
    }

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger calls = new AtomicInteger();

    private Supplier<QueueSnapshot> squeue(SlurmState state) {
        return () -> {
            calls.incrementAndGet();
            return QueueSnapshot.of(clock.instant(), List.of(new QueueEntry("7", "7", "N/A", "smk.a", state, "None", List.of("n1"))));
        };
    }

    @Test
    void oneSqueuePerTimeToLive() throws Exception {
        SharedQueueSnapshot shared = new SharedQueueSnapshot(dir, "alice", Duration.ofSeconds(2), clock, squeue(SlurmState.RUNNING));
        for (int i = 0; i < 50; i++) assertEquals(SlurmState.RUNNING, shared.get().job("7").orElseThrow().state());
        assertEquals(1, calls.get());
        clock.advance(Duration.ofMillis(1999));
        shared.get();
        assertEquals(1, calls.get(), "still fresh");
        clock.advance(Duration.ofMillis(1));
        shared.get();
        assertEquals(2, calls.get(), "expired: refreshed once");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.cacheFile())));
    }

    @Test
    void anotherProcessesCacheIsUsed() throws Exception {
        new SharedQueueSnapshot(dir, "alice", Duration.ofSeconds(2), clock, squeue(SlurmState.PENDING)).get();
        // a second instance (as in a second status process) reads the file instead of calling squeue
        QueueSnapshot s = new SharedQueueSnapshot(dir, "alice", Duration.ofSeconds(2), clock, squeue(SlurmState.RUNNING)).get();
        assertEquals(1, calls.get());
        QueueEntry e = s.job("7").orElseThrow();
        assertEquals(SlurmState.PENDING, e.state());
        assertEquals(List.of("n1"), e.nodes());
        assertEquals("smk.a", e.name());
    }

    @Test
    void concurrentCallersWaitForOneRefresh() throws Exception {
        CountDownLatch inSqueue = new CountDownLatch(1);
        Supplier<QueueSnapshot> slow = () -> {
            calls.incrementAndGet();
            inSqueue.countDown();
            try { Thread.sleep(300); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            return QueueSnapshot.of(clock.instant(), List.of());
        };
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 16; i++) {
            Thread t = new Thread(() -> {
                try {
                    assertTrue(new SharedQueueSnapshot(dir, "bob", Duration.ofSeconds(2), clock, slow).get().known());
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        assertEquals(List.of(), errors);
        assertEquals(1, calls.get(), "16 concurrent callers, one squeue");
    }

    @Test
    void failedSqueueIsCachedAsUnknownNotAsEmpty() throws Exception {
        SharedQueueSnapshot shared = new SharedQueueSnapshot(dir, "alice", Duration.ofSeconds(2), clock,
                () -> { calls.incrementAndGet(); return QueueSnapshot.unknown(clock.instant(), "squeue failed: timed out"); });
        assertFalse(shared.get().known());
        QueueSnapshot again = shared.get();
        assertFalse(again.known());
        assertEquals("squeue failed: timed out", again.problem());
        assertEquals(1, calls.get(), "a struggling controller is not hammered");
    }

    @Test
    void tornOrForeignCacheIsRefreshed() throws Exception {
        SharedQueueSnapshot shared = new SharedQueueSnapshot(dir, "alice", Duration.ofSeconds(2), clock, squeue(SlurmState.RUNNING));
        Files.writeString(shared.cacheFile(), "{\"takenAt\": \"2026-11-21T12:00:00Z\", \"kno");
        assertTrue(shared.get().job("7").isPresent());
        assertEquals(1, calls.get());
    }

    @Test
    void aCacheFromTheFutureIsNotTrusted() throws Exception {
        SharedQueueSnapshot shared = new SharedQueueSnapshot(dir, "alice", Duration.ofSeconds(2), clock, squeue(SlurmState.RUNNING));
        shared.get();
        clock.advance(Duration.ofSeconds(-60));    // the clock stepped back
        shared.get();
        assertEquals(2, calls.get());
    }
}
