package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.Signals;

import java.time.Duration;
import java.util.OptionalInt;

/** Waiting for and ending an application's process group. */
public final class Apps {
    private Apps() {}

    /** Waits until the group leader has ended and the rest of the group is gone, or the deadline passes. */
    public static boolean awaitGroupExit(AppProcess app, Deadline deadline) throws InterruptedException {
        while (!deadline.expired()) {
            OptionalInt st = app.waitFor(min(deadline.remaining(), Duration.ofMillis(100)));
            if (st.isPresent() && !app.groupAlive()) return true;
            if (st.isPresent()) Thread.sleep(20);
        }
        return !app.isAlive() && !app.groupAlive();
    }

    /** TERM the group, give it {@code grace}, then KILL whatever is left. */
    public static void terminate(AppProcess app, Duration grace) throws InterruptedException {
        if (!app.isAlive() && !app.groupAlive()) return;
        app.signalGroup(Signals.number("TERM"));
        app.signalGroup(Signals.number("CONT"));
        Deadline d = Deadline.in(java.time.Clock.systemUTC(), grace);
        if (!awaitGroupExit(app, d)) {
            app.signalGroup(Signals.number("KILL"));
            awaitGroupExit(app, Deadline.in(java.time.Clock.systemUTC(), Duration.ofSeconds(5)));
        }
    }

    static Duration min(Duration a, Duration b) { return a.compareTo(b) < 0 ? a : b; }
}
