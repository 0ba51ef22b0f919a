package dev.crflow.coordinator.interval;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.LostReason;
import dev.crflow.coordinator.journal.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MeasurementsTest {
    @TempDir Path ctl;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

    private void add(Event e) throws Exception { Journal.appendOnce(ctl, clock, e); }

    private static Event ok(int attempt, long ms) {
        return new Event.Checkpoint(attempt, Optional.of(1), Trigger.INTERVAL, ms, 10, true, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Event end(int attempt, EndReason r, Optional<Integer> exit, double compute) {
        return new Event.AttemptEnd(attempt, r, exit, compute, compute, true, Optional.empty(), Optional.empty());
    }

    private static Event start(int attempt, String job) {
        return new Event.AttemptStart(attempt, job, "n1", 0, Optional.empty(), "signal", Optional.empty(), true, 1);
    }

    @Test
    void beforeAnyCheckpointTheCostIsTheDefault() throws Exception {
        Measurements m = Measurements.of(Journal.read(ctl));
        assertEquals(new Measurements(Measurements.DEFAULT_COST_SECONDS, 0, 0, 0), m);
    }

    @Test
    void theCostIsTheMeanOfTheRecentCommittedCheckpoints() throws Exception {
        add(start(1, "1"));
        add(ok(1, 100_000));                    // old: falls out of the last five
        for (long ms : new long[] {1000, 2000, 3000, 4000, 5000}) add(ok(1, ms));
        add(Event.Checkpoint.failed(1, Trigger.INTERVAL, 60_000, "engine failed", Optional.empty()));  // not a cost
        Measurements m = Measurements.of(Journal.read(ctl));
        assertEquals(3.0, m.checkpointSeconds(), 1e-9);
        assertEquals(5, m.checkpointSamples());
    }

    @Test
    void attemptsEndedEarlyAreInterruptionsAndAWalltimeIsNot() throws Exception {
        add(start(1, "1"));
        add(end(1, EndReason.WALLTIME, Optional.empty(), 100));
        add(start(2, "1"));
        add(end(2, EndReason.PREEMPTED, Optional.of(143), 50));
        add(start(3, "2"));
        add(end(3, EndReason.LOST, Optional.empty(), 20));
        add(start(4, "3"));
        add(end(4, EndReason.FAILED, Optional.of(137), 10));   // killed from outside
        add(start(5, "4"));
        add(end(5, EndReason.FAILED, Optional.of(1), 5));      // the application's own failure
        add(new Event.AttemptLost("5", Optional.empty(), LostReason.NODE_FAIL, "n1", Optional.empty(), Optional.empty()));
        add(new Event.AttemptLost("2", Optional.of(3), LostReason.NODE_FAIL, "n1", Optional.empty(), Optional.empty())); // counted by its end
        Measurements m = Measurements.of(Journal.read(ctl));
        assertEquals(4, m.interruptions());
        assertEquals(185, m.observedSeconds(), 1e-9);
        assertEquals(215, m.plusRunning(30).observedSeconds(), 1e-9);
    }
}
