package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.RequeueKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetTest {
    static History used(int restarts, int retries, double computeSeconds) {
        return new History(restarts + retries + 1, restarts, retries, computeSeconds, computeSeconds, Optional.empty());
    }

    static final Budget UNLIMITED_TIME = new Budget(3, 1, Optional.empty(), Optional.of(Duration.ofMinutes(10)));

    @Test
    void restartsAreRefusedOnceMaxRestartsIsReachedRetriesAreNot() {
        assertEquals(new Budget.Decision.Requeue(Optional.empty(), Optional.empty()),
                UNLIMITED_TIME.requeue(RequeueKind.RESTART, used(2, 0, 0), 5));
        assertEquals(new Budget.Decision.Exhausted("maxRestarts 3 reached"),
                UNLIMITED_TIME.requeue(RequeueKind.RESTART, used(3, 0, 0), 5));
        assertTrue(UNLIMITED_TIME.requeue(RequeueKind.RETRY, used(3, 0, 0), 5) instanceof Budget.Decision.Requeue);
    }

    @Test
    void retriesAreAllowedWhileRetryIsNotUsedUp() {
        assertTrue(UNLIMITED_TIME.mayRetry(used(0, 0, 0)));
        assertFalse(UNLIMITED_TIME.mayRetry(used(0, 1, 0)));
    }

    @Test
    void theRemainingTotalTimeIsWholeSecondsRoundedAgainstTheStepAndLowersTheNextTimeLimitOnlyWhenShorter() {
        Budget b = new Budget(10, 0, Optional.of(Duration.ofMinutes(15)), Optional.of(Duration.ofMinutes(10)));
        // 100.2 s earlier + 99.9 s now = 200.1 s used, charged as 201: 699 s left of 900, longer than the 10-minute limit
        assertEquals(new Budget.Decision.Requeue(Optional.empty(), Optional.of(Duration.ofSeconds(699))),
                b.requeue(RequeueKind.RESTART, used(1, 0, 100.2), 99.9));
        // 400 s used: 500 s left, shorter than the limit: the next job's limit is lowered to it
        assertEquals(new Budget.Decision.Requeue(Optional.of(Duration.ofSeconds(500)), Optional.of(Duration.ofSeconds(500))),
                b.requeue(RequeueKind.RESTART, used(1, 0, 370), 30));
        Budget noLimit = new Budget(10, 0, Optional.of(Duration.ofMinutes(15)), Optional.empty());
        assertEquals(new Budget.Decision.Requeue(Optional.of(Duration.ofSeconds(840)), Optional.of(Duration.ofSeconds(840))),
                noLimit.requeue(RequeueKind.RESTART, used(1, 0, 30), 30));
    }

    @Test
    void aUsedUpTotalTimeEndsTheStep() {
        Budget b = new Budget(10, 0, Optional.of(Duration.ofSeconds(60)), Optional.empty());
        assertEquals(new Budget.Decision.Exhausted("totalTime PT1M used up (60 s)"),
                b.requeue(RequeueKind.RESTART, used(0, 0, 40), 19.5));
        assertEquals(Optional.of("totalTime PT1M used up (61 s)"), b.exhaustedBeforeStart(used(0, 0, 61)));
        assertEquals(Optional.empty(), b.exhaustedBeforeStart(used(0, 0, 59.9)));
        assertEquals(Optional.empty(), UNLIMITED_TIME.exhaustedBeforeStart(used(0, 0, 1e9)));
    }
}
