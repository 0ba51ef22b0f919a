package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What earlier attempts used, from the journal alone: the one place that counts attempts, restarts, retries and compute,
 * for the coordinator and for every driver (docs/contracts.md §3, "Restart accounting").
 *
 * @param attempts       {@code attempt-start} events
 * @param restarts       counted against {@code maxRestarts}: attempt-ends with reason walltime/preempted that requeued,
 *                       attempt-ends with reason lost (written by the next coordinator), plus what only a driver records:
 *                       an {@code attempt-lost} of a job id that never had an attempt-start (lost before its coordinator
 *                       ran), and one for the open attempt (no attempt-end yet) when an {@code attempt-lost} names it
 * @param retries        attempt-ends with reason failed/engine-error that requeued (counted against {@code retry})
 * @param computeSeconds sum of the attempt-ends' {@code computeSeconds} (charged to {@code totalTime}), not truncated
 * @param appSeconds     sum of the attempt-ends' {@code appSeconds}
 * @param unfinished     the last attempt-start without attempt-end: its coordinator is running, or was killed
 */
public record History(int attempts, int restarts, int retries, double computeSeconds, double appSeconds,
                      Optional<JournalEvent> unfinished) {

    public static History of(List<JournalEvent> events) {
        int attempts = 0, restarts = 0, retries = 0;
        double compute = 0, app = 0;
        JournalEvent open = null;
        for (JournalEvent e : events) {
            Event t = e.typed();
            if (t instanceof Event.AttemptStart) {
                attempts++;
                open = e;
            } else if (t instanceof Event.AttemptEnd end) {
                open = null;
                compute += end.computeSeconds();
                app += end.appSeconds();
                if (end.reason().isRestart() && (end.requeued() || end.reason() == EndReason.LOST)) {
                    restarts++;
                }
                if (end.reason().isRetry() && end.requeued()) retries++;
            }
        }
        Optional<Event.AttemptStart> openStart = Optional.ofNullable(open).map(o -> (Event.AttemptStart) o.typed());
        boolean openLost = false;
        restarts += Event.AttemptLost.beforeAnyStart(events);
        for (JournalEvent e : events) {
            if (!(e.typed() instanceof Event.AttemptLost lost)) continue;
            if (openStart.isPresent() && openStart.get().jobId().equals(lost.jobId())
                    && lost.attempt().orElse(openStart.get().attempt()) == openStart.get().attempt()) {
                // the open attempt itself was lost and no coordinator recorded it yet; an earlier attempt of the same
                // job id (Slurm requeues keep the id) was already counted by its attempt-end
                openLost = true;
            }
        }
        return new History(attempts, openLost ? restarts + 1 : restarts, retries, compute, app, Optional.ofNullable(open));
    }

    /** The history of control directory {@code ctl}. */
    public static History read(Path ctl) throws IOException { return of(Journal.read(ctl)); }

    /** Compute charged so far, to the nanosecond the journal gives (milliseconds). */
    public Duration computeUsed() { return Duration.ofNanos(Math.round(computeSeconds * 1e9)); }

    /** Restarts still allowed under {@code maxRestarts}; 0 when used up. */
    public int restartsLeft(int maxRestarts) { return Math.max(0, maxRestarts - restarts); }

    /** Retries still allowed under {@code retry}; 0 when used up. */
    public int retriesLeft(int retry) { return Math.max(0, retry - retries); }

    /** What is left of {@code totalTime} (never negative); empty when there is no total-time budget. */
    public Optional<Duration> budgetLeft(Optional<Duration> totalTime) {
        return totalTime.map(t -> {
            Duration left = t.minus(computeUsed());
            return left.isNegative() ? Duration.ZERO : left;
        });
    }

    /** True when {@code totalTime} is set and used up. */
    public boolean budgetExhausted(Optional<Duration> totalTime) {
        return budgetLeft(totalTime).filter(Duration::isZero).isPresent();
    }

    /**
     * Restarts as a driver counts them against {@code maxRestarts}: the same number as {@link #restarts}, which already
     * holds what only a driver knows from its {@code attempt-lost} events (kept as a name for the drivers' call sites).
     */
    public static int restartsWithLosses(List<JournalEvent> events) {
        return of(events).restarts();
    }
}
