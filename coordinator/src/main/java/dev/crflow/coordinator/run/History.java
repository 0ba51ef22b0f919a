package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.JournalEvent;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What earlier attempts used, from the journal alone: attempts, requeues by kind, compute charged.
 *
 * @param restarts requeues after walltime/preemption/lost attempts (counted against maxRestarts)
 * @param retries  requeues after application or engine failures (counted against retry)
 * @param unfinished an attempt-start without attempt-end: its coordinator was killed
 */
public record History(int attempts, int restarts, int retries, double computeSeconds, double appSeconds,
                      Optional<JournalEvent> unfinished) {

    static final Set<String> RESTART_REASONS = Set.of("preempted", "walltime", "lost");
    static final Set<String> RETRY_REASONS = Set.of("failed", "engine-error");

    public static History of(List<JournalEvent> events) {
        int attempts = 0, restarts = 0, retries = 0;
        double compute = 0, app = 0;
        JournalEvent open = null;
        for (JournalEvent e : events) {
            if (e.is(JournalEvent.ATTEMPT_START)) {
                attempts++;
                open = e;
            } else if (e.is(JournalEvent.ATTEMPT_END)) {
                open = null;
                compute += e.computeSeconds().orElse(0.0);
                Object a = e.raw().get("appSeconds");
                if (a instanceof Number n) app += n.doubleValue();
                boolean requeued = Boolean.TRUE.equals(e.raw().get("requeued"));
                String reason = e.reason().orElse("");
                if (RESTART_REASONS.contains(reason) && (requeued || reason.equals("lost"))) restarts++;
                if (RETRY_REASONS.contains(reason) && requeued) retries++;
            }
        }
        return new History(attempts, restarts, retries, compute, app, Optional.ofNullable(open));
    }

    /** {@link #computeSeconds} as a duration (millisecond precision): what is charged to {@code totalTime}. */
    public java.time.Duration computeUsed() {
        return java.time.Duration.ofMillis(Math.round(computeSeconds * 1000));
    }

    /**
     * Restarts as a driver counts them against {@code maxRestarts} (docs/contracts.md §3): {@link #restarts} plus
     * what only a driver knows from its {@code attempt-lost} events: +1 when the open attempt (an attempt-start with
     * no attempt-end yet) was lost, +1 per lost job that never had an attempt-start (lost before its coordinator ran).
     * Once the next coordinator journals the open attempt's end as {@code lost}, the count moves into
     * {@link #restarts}: the total stays the same.
     */
    public static int restartsWithLosses(List<JournalEvent> events) {
        History h = of(events);
        Set<String> started = new java.util.HashSet<>();
        for (JournalEvent e : events) if (e.is(JournalEvent.ATTEMPT_START)) e.jobId().ifPresent(started::add);
        Optional<String> openJob = h.unfinished().flatMap(JournalEvent::jobId);
        int openAttempt = h.unfinished().flatMap(JournalEvent::attempt).orElse(-1);
        int extra = 0;
        boolean openLost = false;
        for (JournalEvent e : events) {
            if (!e.is(JournalEvent.ATTEMPT_LOST)) continue;
            String job = e.jobId().orElse("");
            if (!started.contains(job)) extra++;
            // the open attempt itself, not an earlier attempt of the same job id (Slurm requeues keep the id)
            else if (openJob.isPresent() && job.equals(openJob.get()) && e.attempt().orElse(openAttempt) == openAttempt) openLost = true;
        }
        return h.restarts() + extra + (openLost ? 1 : 0);
    }
}
