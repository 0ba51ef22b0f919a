package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.engine.Deadline;
import dev.crflow.coordinator.engine.EngineContext;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.journal.Trigger;
import dev.crflow.coordinator.proc.SystemProcessLauncher;
import dev.crflow.coordinator.spec.StepSpec;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointCommitterTest {
    @TempDir Path ctl;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
    final List<String> said = new ArrayList<>();

    CheckpointCommitter committer(FakeEngine engine, Journal journal, int keep) {
        StepSpec spec = new StepSpec("s", new StepSpec.CommandSpec(StepSpec.CommandSpec.Kind.COMMAND, "true"), ctl.toString(),
                null, Map.of(), StepSpec.PolicySpec.none(), Optional.empty(), 0);
        EngineContext context = new EngineContext(spec, ControlDir.of(ctl), ctl, List.of("true"), Map.of(),
                new SystemProcessLauncher(), said::add);
        return new CheckpointCommitter(engine, context, ImageStore.open(ctl), new AttemptJournal(journal, 3), "host", "77",
                keep, said::add);
    }

    @Test
    void aCheckpointIsCommittedJournalledAndOnlyThenAreOldGenerationsPruned() throws Exception {
        FakeEngine engine = new FakeEngine(ctl);
        FakeEngine.FakeApp app = (FakeEngine.FakeApp) engine.launch(null);
        try (Journal journal = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            CheckpointCommitter c = committer(engine, journal, 2);
            for (int i = 0; i < 3; i++) {
                Optional<Generation> g = c.checkpoint(app, Trigger.INTERVAL, false, Deadline.in(clock, Duration.ofMinutes(1)),
                        Optional.empty(), 12.5, Optional.empty());
                assertEquals(i + 1, g.orElseThrow().number());
            }
        }
        assertTrue(app.isAlive(), "a periodic checkpoint leaves the application running");
        assertEquals(List.of(2, 3), ImageStore.open(ctl).list().stream().map(Generation::number).toList());
        assertTrue(said.contains("pruned generations [1] (keep 2)"), said.toString());
        List<JournalEvent> events = Journal.read(ctl);
        Event.Checkpoint last = assertInstanceOf(Event.Checkpoint.class, events.get(2).typed());
        assertTrue(last.ok());
        assertEquals(3, last.attempt());
        assertEquals(Optional.of(3), last.generation());
        assertEquals(Trigger.INTERVAL, last.trigger());
        assertTrue(last.commitTimings().orElseThrow().containsKey("renameMs"));
        var manifest = ImageStore.readManifest(ImageStore.open(ctl).get(3).orElseThrow().path()).orElseThrow();
        assertEquals(List.of("fake", "77", "host", 3, "interval", 12.5), List.of(manifest.engine(), manifest.jobId(),
                manifest.host(), manifest.attempt(), manifest.trigger(), manifest.appSeconds()));
        assertEquals(Duration.ofMillis(last.durationMs()), CheckpointCommitter.lastCommitDuration(events));
    }

    @Test
    void aFailedCheckpointLeavesTheCommittedGenerationsAndIsJournalledWithTheRequest() throws Exception {
        FakeEngine engine = new FakeEngine(ctl);
        FakeEngine.FakeApp app = (FakeEngine.FakeApp) engine.launch(null);
        try (Journal journal = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            CheckpointCommitter c = committer(engine, journal, 2);
            c.checkpoint(app, Trigger.INTERVAL, false, Deadline.in(clock, Duration.ofMinutes(1)), Optional.empty(), 1, Optional.empty());
            engine.failCheckpoint = Optional.of("disk full");
            Optional<Generation> g = c.checkpoint(app, Trigger.MANUAL, true, Deadline.in(clock, Duration.ofMinutes(1)),
                    Optional.of("req-1"), 1, Optional.of(1));
            assertTrue(g.isEmpty());
        }
        assertEquals(List.of(1), ImageStore.open(ctl).list().stream().map(Generation::number).toList());
        try (var partials = Files.list(ctl.resolve("images"))) {
            assertFalse(partials.anyMatch(p -> p.getFileName().toString().startsWith(ImageStore.PARTIAL_PREFIX)));
        }
        Event.Checkpoint failed = assertInstanceOf(Event.Checkpoint.class, Journal.read(ctl).get(1).typed());
        assertEquals(Event.Checkpoint.failed(3, Trigger.MANUAL, failed.durationMs(), "disk full", Optional.of("req-1")), failed);
        assertTrue(said.stream().anyMatch(s -> s.equals("checkpoint manual FAILED: disk full; the last good generation (1) is untouched")),
                said.toString());
    }
}
