package dev.crflow.coordinator.interval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterruptionPriorTest {
    static final double HOUR = 3600;

    @Test
    void withoutHistoryTheMeanTimeIsThePriors() {
        // r = 0.05 per 1 h attempt: λ₀ = −ln(0.95)/3600 s, M = 1/λ₀ ≈ 19.5 h
        assertEquals(HOUR / -Math.log(0.95), InterruptionPrior.mtbiSeconds(0.05, HOUR, 0, 0), 1e-6);
    }

    @Test
    void thePriorWeighsOneAttemptAndTheStepsOwnInterruptionsTakeOver() {
        double alpha = -Math.log(0.95);
        // 20 interruptions in 20 h of running: one an hour, far more than the prior's one in ~19.5 h
        double m = InterruptionPrior.mtbiSeconds(0.05, HOUR, 20, 20 * HOUR);
        assertEquals(21 * HOUR / (alpha + 20), m, 1e-6);
        assertTrue(m < 1.1 * HOUR, "posterior " + m);
        // a long quiet record lengthens it
        assertTrue(InterruptionPrior.mtbiSeconds(0.5, HOUR, 0, 100 * HOUR) > 100 * HOUR);
    }

    @Test
    void aZeroRateIsRareNotNever() {
        double quiet = InterruptionPrior.mtbiSeconds(0, HOUR, 0, 0);
        assertEquals(HOUR / -Math.log1p(-InterruptionPrior.MIN_RATE), quiet, 1e-6);
        // interruptions still count
        assertTrue(InterruptionPrior.mtbiSeconds(0, HOUR, 50, 50 * HOUR) < 1.1 * HOUR);
    }
}
