package dev.crflow.coordinator.run;

import dev.crflow.coordinator.interval.InterruptionPrior;
import dev.crflow.coordinator.interval.Measurements;
import dev.crflow.coordinator.interval.YoungDaly;
import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.journal.Trigger;
import dev.crflow.coordinator.spec.StepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntervalPlannerTest {
    @TempDir Path ctl;
    static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

    static StepSpec spec(Optional<Duration> fixed, boolean auto, Optional<Double> rate, Optional<Duration> time) {
        StepSpec.PolicySpec p = new StepSpec.PolicySpec(StepSpec.EngineKind.SIGNAL, fixed, "USR1", Duration.ofSeconds(60),
                Optional.of("USR1"), List.of("s"), 2, 50, Optional.empty(), StepSpec.OnCancel.CHECKPOINT, auto, rate, true, Optional.empty(), Optional.empty(),
                StepSpec.FromScratch.REFUSE);
        return new StepSpec("s", new StepSpec.CommandSpec(StepSpec.CommandSpec.Kind.COMMAND, "true"), "/tmp",
                new StepSpec.ResourcesSpec(time, Optional.empty()), Map.of(), p, Optional.empty(), 0);
    }

    private IntervalPlanner planner(StepSpec spec, Journal journal, Clock clock) {
        return new IntervalPlanner(spec, new AttemptJournal(journal, 3), () -> Journal.read(ctl), clock, START, YoungDaly.Limits.DEFAULT);
    }

    private List<Event.IntervalChoice> choices() throws Exception {
        return Journal.read(ctl).stream().map(JournalEvent::typed).filter(Event.IntervalChoice.class::isInstance)
                .map(Event.IntervalChoice.class::cast).toList();
    }

    @Test
    void aFixedIntervalIsKeptExactlyAndNothingIsJournaled() throws Exception {
        Clock clock = Clock.fixed(START, ZoneOffset.UTC);
        try (Journal j = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            IntervalPlanner p = planner(spec(Optional.of(Duration.ofMinutes(5)), false, Optional.empty(), Optional.of(Duration.ofHours(2))), j, clock);
            assertEquals(Optional.of(Duration.ofMinutes(5)), p.atStart());
            assertEquals(Optional.of(Duration.ofMinutes(5)), p.afterCheckpoint(Optional.of(Duration.ofMinutes(5))));
            assertEquals(Optional.of(Duration.ofMinutes(5)), p.afterFailedCheckpoint(Optional.of(Duration.ofMinutes(5))));
            IntervalPlanner none = planner(spec(Optional.empty(), false, Optional.empty(), Optional.empty()), j, clock);
            assertEquals(Optional.empty(), none.atStart());
        }
        assertEquals(List.of(), choices());
    }

    @Test
    void autoWithoutHistoryUsesTheDefaultCostAndTheSitesPrior() throws Exception {
        Clock clock = Clock.fixed(START, ZoneOffset.UTC);
        Duration time = Duration.ofHours(4);
        try (Journal j = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            Duration chosen = planner(spec(Optional.empty(), true, Optional.of(0.2), Optional.of(time)), j, clock).atStart().orElseThrow();
            double m = InterruptionPrior.mtbiSeconds(0.2, time.toSeconds(), 0, 0);
            assertEquals(Duration.ofSeconds(60), chosen, "no cost measured yet: the first checkpoint comes after the minimum");
            assertEquals(YoungDaly.daly(Measurements.DEFAULT_COST_SECONDS, m), choices().get(0).dalySeconds(), 1e-3);
        }
        Event.IntervalChoice c = choices().get(0);
        assertEquals(3, c.attempt());
        assertEquals("attempt-start", c.trigger());
        assertEquals("probe", c.bound());
        assertEquals(0, c.checkpointSamples());
        assertEquals(0.2, c.priorRate());
        assertTrue(c.priorFromSettings());
        assertEquals(Optional.of(4 * 3600.0 - 60), c.untilWarningSeconds());
    }

    @Test
    void afterAFailedCheckpointAutoWaitsTwiceAsLongUpToTheMaximum() throws Exception {
        Clock clock = Clock.fixed(START, ZoneOffset.UTC);
        try (Journal j = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            IntervalPlanner p = planner(spec(Optional.empty(), true, Optional.empty(), Optional.empty()), j, clock);
            assertEquals(Optional.of(Duration.ofMinutes(2)), p.afterFailedCheckpoint(Optional.of(Duration.ofMinutes(1))));
            assertEquals(Optional.of(Duration.ofHours(24)), p.afterFailedCheckpoint(Optional.of(Duration.ofHours(20))));
        }
        assertEquals(List.of(), choices(), "nothing measured, nothing chosen from measurements");
    }

    @Test
    void anIntervalBeyondTheWarningSchedulesNoPeriodicCheckpointButIsJournaled() throws Exception {
        Clock clock = Clock.fixed(START.plusSeconds(30), ZoneOffset.UTC);
        try (Journal j = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            // 10 min limit, 60 s lead, 30 s gone: 8m30s left, far less than Daly's ~30 min for a measured 30 s checkpoint
            j.append(new Event.Checkpoint(2, Optional.of(1), Trigger.SIGNAL, 30_000, 10, true, Optional.empty(), Optional.empty(), Optional.empty()));
            assertEquals(Optional.empty(), planner(spec(Optional.empty(), true, Optional.empty(), Optional.of(Duration.ofMinutes(10))), j, clock).atStart());
        }
        Event.IntervalChoice c = choices().get(0);
        assertEquals("walltime", c.bound());
        assertEquals(510.0, c.intervalSeconds(), 1e-9);
        assertEquals(Optional.of(510.0), c.untilWarningSeconds());
    }

    @Test
    void afterACheckpointTheMeasuredCostAndTheRunningTimeCount() throws Exception {
        Instant[] now = {START};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return now[0]; }
        };
        try (Journal j = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            // an earlier attempt preempted twice in its history; no site prior (crflow's default)
            j.append(new Event.AttemptEnd(1, EndReason.PREEMPTED, Optional.empty(), 600, 600, true, Optional.empty(), Optional.empty()));
            j.append(new Event.AttemptEnd(2, EndReason.PREEMPTED, Optional.empty(), 600, 600, true, Optional.empty(), Optional.empty()));
            IntervalPlanner p = planner(spec(Optional.empty(), true, Optional.empty(), Optional.empty()), j, clock);
            Duration first = p.atStart().orElseThrow();
            now[0] = START.plus(Duration.ofMinutes(10));
            j.append(new Event.Checkpoint(3, Optional.of(1), Trigger.INTERVAL, 2000, 10, true, Optional.empty(), Optional.empty(), Optional.empty()));
            Duration second = p.afterCheckpoint(Optional.of(first)).orElseThrow();
            assertEquals(Duration.ofSeconds(60), first, "the probe");
            assertTrue(second.compareTo(first) > 0, first + " then " + second + ": chosen by Daly once the cost is measured");
        }
        List<Event.IntervalChoice> cs = choices();
        assertEquals(2, cs.size());
        assertEquals(2, cs.get(0).interruptions());
        assertEquals(1200, cs.get(0).observedSeconds(), 1e-9);
        assertEquals(InterruptionPrior.DEFAULT_RATE, cs.get(0).priorRate());
        assertEquals(false, cs.get(0).priorFromSettings());
        assertEquals(Optional.empty(), cs.get(0).untilWarningSeconds());
        assertEquals("checkpoint", cs.get(1).trigger());
        assertEquals(2.0, cs.get(1).checkpointSeconds(), 1e-9);
        assertEquals(1, cs.get(1).checkpointSamples());
        assertEquals(1800, cs.get(1).observedSeconds(), 1e-9);   // 1200 s before, 600 s of this attempt
        assertInstanceOf(Event.IntervalChoice.class, Journal.read(ctl).get(2).typed());
    }
}
