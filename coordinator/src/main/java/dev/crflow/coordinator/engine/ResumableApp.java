package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * The application as the coordinator holds it, when an engine may replace the processes behind it: DMTCP with
 * {@code state} files takes a periodic checkpoint as checkpoint-and-kill and restarts the application from that image
 * at once (see {@link DmtcpEngine}). The coordinator calls the engine and watches the application on one thread, so
 * the replacement happens while nobody waits on the old processes; every call reads the current ones.
 *
 * <p>When the restart fails the application is gone; this then reports an engine failure (status {@code failStatus}),
 * never a completion or an application failure, and the coordinator restarts from the newest generation.
 */
final class ResumableApp implements AppProcess {
    private volatile AppProcess current;
    private volatile OptionalInt failed = OptionalInt.empty();

    ResumableApp(AppProcess first) {
        this.current = first;
    }

    void replace(AppProcess next) {
        current = next;
        failed = OptionalInt.empty();
    }

    /** The processes were killed for a checkpoint and could not be brought back. */
    void resumeFailed(int failStatus) { failed = OptionalInt.of(failStatus); }

    AppProcess current() { return current; }

    @Override public int pgid() { return current.pgid(); }

    @Override public boolean isAlive() { return failed.isEmpty() && current.isAlive(); }

    @Override
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
        if (failed.isPresent()) return failed;
        return current.waitFor(timeout);
    }

    @Override public boolean signalGroup(int signal) { return current.signalGroup(signal); }

    @Override public boolean groupAlive() { return current.groupAlive(); }
}
