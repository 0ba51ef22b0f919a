package dev.crflow.coordinator.interval;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YoungDalyTest {
    static final YoungDaly.Limits LIMITS = YoungDaly.Limits.DEFAULT;

    @Test
    void dalyIsYoungPlusItsHigherOrderTerms() {
        // C = 30 s, M = 54,000 s: √(2CM) = 1800 s; x = C/2M = 1/3600; τ = 1800·(1 + 1/180 + 1/32400) − 30
        double expected = 1800 * (1 + (1.0 / 60) / 3 + (1.0 / 3600) / 9) - 30;
        assertEquals(expected, YoungDaly.daly(30, 54_000), 1e-9);
        assertEquals(1800, YoungDaly.young(30, 54_000), 1e-9);
        // the higher-order estimate stays close to Young's when C << M
        assertTrue(Math.abs(YoungDaly.daly(30, 54_000) - 1800) < 0.02 * 1800);
    }

    @Test
    void aCostAboveTwiceTheMeanTimeGivesTheMeanTime() {
        assertEquals(100, YoungDaly.daly(250, 100), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, YoungDaly.daly(30, Double.POSITIVE_INFINITY));
    }

    @Test
    void insideTheLimitsTheFormulaDecides() {
        YoungDaly.Choice c = YoungDaly.choose(30, 54_000, Optional.empty(), LIMITS);
        assertEquals(YoungDaly.Bound.DALY, c.bound());
        assertEquals(Math.round(YoungDaly.daly(30, 54_000) * 1000), c.interval().toMillis());
    }

    @Test
    void frequentInterruptionsAreBoundedByThreeCheckpointCosts() {
        // C = 30 s, M = 60 s: Daly says ~42 s, which would spend over 40 % of the time checkpointing
        YoungDaly.Choice c = YoungDaly.choose(30, 60, Optional.empty(), LIMITS);
        assertEquals(YoungDaly.Bound.COST_MULTIPLE, c.bound());
        assertEquals(Duration.ofSeconds(90), c.interval());
    }

    @Test
    void aCheapCheckpointIsStillNotTakenMoreOftenThanTheMinimum() {
        YoungDaly.Choice c = YoungDaly.choose(0.05, 3600, Optional.empty(), LIMITS);
        assertEquals(YoungDaly.Bound.MINIMUM, c.bound());
        assertEquals(Duration.ofSeconds(60), c.interval());
    }

    @Test
    void rareInterruptionsAreBoundedByTheMaximumAndTheTimeLeft() {
        assertEquals(YoungDaly.Bound.MAXIMUM, YoungDaly.choose(600, 1e9, Optional.empty(), LIMITS).bound());
        YoungDaly.Choice c = YoungDaly.choose(30, 1e7, Optional.of(Duration.ofMinutes(50)), LIMITS);
        assertEquals(YoungDaly.Bound.WALLTIME, c.bound());
        assertEquals(Duration.ofMinutes(50), c.interval());
        // the time left wins over the lower bounds: an interval the attempt never reaches gains nothing
        YoungDaly.Choice late = YoungDaly.choose(30, 200, Optional.of(Duration.ofSeconds(40)), LIMITS);
        assertEquals(YoungDaly.Bound.WALLTIME, late.bound());
        assertEquals(Duration.ofSeconds(40), late.interval());
    }

    @Test
    void periodicCheckpointsAreSpreadEvenlyBeforeTheWarningsOwn() {
        // C = 115 s, M = 8 h: Daly says ~42 min; 239 min to the warning hold 5.7 of those. Rather than 5 periodic ones
        // and a 6th 29 min before the warning's own checkpoint, 6 equal segments: 5 periodic ones 39.8 min apart
        double daly = YoungDaly.daly(115, 8 * 3600);
        YoungDaly.Choice c = YoungDaly.choose(115, 8 * 3600, Optional.of(Duration.ofMinutes(239)), LIMITS);
        assertEquals(Math.round(239 * 60.0 / Math.round(239 * 60 / daly)), c.interval().toSeconds(), 1);
        assertEquals(YoungDaly.Bound.DALY, c.bound());
        // less than one and a half intervals left: no periodic one before the warning's
        YoungDaly.Choice last = YoungDaly.choose(115, 8 * 3600, Optional.of(Duration.ofSeconds(Math.round(daly * 1.4))), LIMITS);
        assertEquals(YoungDaly.Bound.WALLTIME, last.bound());
        // the spread never goes below the lower bounds: 3 x C = 345 s, so 680 s left make one segment, not two of 340 s
        YoungDaly.Choice floor = YoungDaly.choose(115, 300, Optional.of(Duration.ofSeconds(680)), LIMITS);
        assertEquals(YoungDaly.Bound.WALLTIME, floor.bound());
    }

    @Test
    void beforeAnyMeasuredCostTheFirstCheckpointComesAfterTheMinimum() {
        YoungDaly.Choice c = YoungDaly.choose(30, false, 54_000, Optional.of(Duration.ofHours(1)), LIMITS);
        assertEquals(YoungDaly.Bound.PROBE, c.bound());
        assertEquals(Duration.ofSeconds(60), c.interval());
        assertEquals(YoungDaly.daly(30, 54_000), c.dalySeconds(), 1e-9, "what the default cost would have given, for the journal");
        assertEquals(YoungDaly.Bound.WALLTIME, YoungDaly.choose(30, false, 54_000, Optional.of(Duration.ofSeconds(20)), LIMITS).bound());
    }

    @Test
    void boundsReadBackByTheirWireNames() {
        for (YoungDaly.Bound b : YoungDaly.Bound.values()) assertEquals(b, YoungDaly.Bound.fromWire(b.wireName()));
        assertEquals(YoungDaly.Bound.UNKNOWN, YoungDaly.Bound.fromWire("nonsense"));
    }
}
