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
}
