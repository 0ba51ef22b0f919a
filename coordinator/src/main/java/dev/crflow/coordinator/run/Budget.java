package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.RequeueKind;

import java.time.Duration;
import java.util.Optional;

/**
 * The step's budgets for the next attempt: {@code maxRestarts}, {@code retry} and {@code totalTime}, charged from the
 * journal's {@link History} plus the running attempt. Decides; performs nothing.
 *
 * @param stepTimeLimit the step's {@code time} (the job's time limit), when it has one
 */
record Budget(int maxRestarts, int retry, Optional<Duration> totalTime, Optional<Duration> stepTimeLimit) {

    /** What to do instead of finishing: requeue within these limits, or end the step because a budget is used up. */
    sealed interface Decision {
        /**
         * @param nextTimeLimit lower the next job's time limit to this (the budget left is shorter than {@code time})
         * @param remaining     what is left of {@code totalTime}, whole seconds
         */
        record Requeue(Optional<Duration> nextTimeLimit, Optional<Duration> remaining) implements Decision {}

        record Exhausted(String why) implements Decision {}
    }

    /** A budget already spent before this attempt starts (e.g. a coordinator killed repeatedly). */
    Optional<String> exhaustedBeforeStart(History history) {
        if (history.budgetExhausted(totalTime)) {
            return Optional.of("totalTime " + totalTime.orElseThrow() + " used up (" + Math.round(history.computeSeconds()) + " s)");
        }
        return Optional.empty();
    }

    /** True when a failure of this attempt may be retried. */
    boolean mayRetry(History history) { return history.retriesLeft(retry) > 0; }

    /**
     * @param attemptSeconds what the running attempt used so far (charged like a finished attempt's computeSeconds)
     */
    Decision requeue(RequeueKind kind, History history, double attemptSeconds) {
        if (kind == RequeueKind.RESTART && history.restartsLeft(maxRestarts) == 0) {
            return new Decision.Exhausted("maxRestarts " + maxRestarts + " reached");
        }
        double used = history.computeSeconds() + attemptSeconds;
        // whole seconds, rounded in the step's favour of ending: a budget is never overrun by a fraction
        Optional<Duration> remaining = totalTime.map(t -> Duration.ofSeconds(Math.max(0, t.toSeconds() - (long) Math.ceil(used))));
        if (remaining.isPresent() && remaining.get().isZero()) {
            return new Decision.Exhausted("totalTime " + totalTime.get() + " used up (" + Math.round(used) + " s)");
        }
        Optional<Duration> nextLimit = remaining.filter(r -> stepTimeLimit.isEmpty() || r.compareTo(stepTimeLimit.get()) < 0);
        return new Decision.Requeue(nextLimit, remaining);
    }
}
