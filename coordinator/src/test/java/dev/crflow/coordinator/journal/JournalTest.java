package dev.crflow.coordinator.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SuppressWarnings("deprecation") // the untyped append stays working for callers from before the typed events (EventTest)
class JournalTest {
    @TempDir Path ctl;
    final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);

    @Test
    void appendsTypedEventsThatReadBack() throws Exception {
        try (Journal j = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            j.append(JournalEvent.ATTEMPT_START, "attempt", 1, "jobId", "42", "fromGeneration", null);
            j.append(JournalEvent.CHECKPOINT, "attempt", 1, "generation", 3, "trigger", "signal", "durationMs", 1234L,
                    "bytes", 5_000_000_000L, "ok", true, "error", null);
        }
        List<JournalEvent> events = Journal.read(ctl);
        assertEquals(2, events.size());
        JournalEvent start = events.get(0);
        assertEquals("attempt-start", start.event());
        assertEquals(Instant.parse("2026-01-02T03:04:05.678Z"), start.time());
        assertEquals(1, start.attempt().orElseThrow());
        assertEquals("42", start.jobId().orElseThrow());
        assertTrue(start.integer("fromGeneration").isEmpty());
        JournalEvent ck = events.get(1);
        assertEquals(3, ck.generation().orElseThrow());
        assertEquals(5_000_000_000L, ck.bytes().orElseThrow());
        assertTrue(ck.ok().orElseThrow());
        assertTrue(ck.error().isEmpty());
        assertTrue(Files.readString(ctl.resolve("journal.jsonl")).startsWith("{\"event\":\"attempt-start\",\"time\":\"2026-01-02T03:04:05.678Z\""));
    }

    @Test
    void aTornLastLineIsIgnoredAndTheNextWriterStartsAFreshLine() throws Exception {
        Path file = ctl.resolve("journal.jsonl");
        try (Journal j = Journal.openForAppend(file, clock)) {
            j.append(JournalEvent.ATTEMPT_START, "attempt", 1);
        }
        Files.writeString(file, "{\"event\":\"checkpoint\",\"ti", StandardOpenOption.APPEND);
        assertEquals(1, Journal.read(ctl).size());
        try (Journal j = Journal.openForAppend(file, clock)) {
            j.append(JournalEvent.ATTEMPT_END, "attempt", 1, "reason", "lost");
        }
        List<JournalEvent> events = Journal.read(ctl);
        assertEquals(List.of("attempt-start", "attempt-end"), events.stream().map(JournalEvent::event).toList());
    }

    @Test
    void noJournalYetIsAnEmptyList() throws Exception {
        assertEquals(List.of(), Journal.read(ctl.resolve("nothing")));
    }
}
