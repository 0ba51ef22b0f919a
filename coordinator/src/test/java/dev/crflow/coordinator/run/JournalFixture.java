package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.journal.LostReason;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** Writes journals through the real {@link Journal}, a minute apart on a fake clock. */
final class JournalFixture {
    private final Path ctl;
    private Instant now = Instant.parse("2026-11-21T10:00:00Z");

    JournalFixture(Path ctl) { this.ctl = ctl; }

    JournalFixture add(Event e) throws IOException {
        Journal.appendOnce(ctl, Clock.fixed(now, ZoneOffset.UTC), e);
        now = now.plus(Duration.ofMinutes(1));
        return this;
    }

    JournalFixture start(int attempt, String jobId) throws IOException {
        return add(new Event.AttemptStart(attempt, jobId, "n1", 0, Optional.empty(), "signal", Optional.of("n/a"), false, 1));
    }

    JournalFixture end(int attempt, EndReason reason, boolean requeued, double compute) throws IOException {
        return add(new Event.AttemptEnd(attempt, reason, Optional.empty(), compute, compute, requeued, Optional.empty(), Optional.empty()));
    }

    JournalFixture lost(String jobId, Optional<Integer> attempt) throws IOException {
        return add(new Event.AttemptLost(jobId, attempt, LostReason.NODE_FAIL, "n1", Optional.empty(), Optional.empty()));
    }

    List<JournalEvent> events() throws IOException { return Journal.read(ctl); }

    History history() throws IOException { return History.read(ctl); }
}
