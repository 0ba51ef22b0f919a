package dev.crflow.coordinator.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventTest {
    @TempDir Path ctl;
    static final String T = "2026-01-02T03:04:05.678Z";
    final Clock clock = Clock.fixed(Instant.parse(T), ZoneOffset.UTC);

    static Map<String, Long> timings() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("checksumAndSyncMs", 1L);
        m.put("manifestMs", 2L);
        m.put("renameMs", 3L);
        return m;
    }

    /** Each event as typed, and its line exactly as the coordinator and the drivers wrote it before the typed events. */
    static final List<Map.Entry<Event, String>> GOLDEN = List.of(
            Map.entry(new Event.AttemptStart(1, "42", "n1", 0, Optional.empty(), "signal", Optional.of("n/a"), true, 1234),
                    "{\"event\":\"attempt-start\",\"time\":\"" + T + "\",\"attempt\":1,\"jobId\":\"42\",\"host\":\"n1\",\"restartCount\":0,"
                            + "\"fromGeneration\":null,\"engine\":\"signal\",\"engineVersion\":\"n/a\",\"local\":true,\"pid\":1234}"),
            Map.entry(new Event.AttemptStart(2, "42", "n1", 1, Optional.empty(), "signal", Optional.of("n/a"), true, 1234,
                            Optional.of("no generation verifies")),
                    "{\"event\":\"attempt-start\",\"time\":\"" + T + "\",\"attempt\":2,\"jobId\":\"42\",\"host\":\"n1\",\"restartCount\":1,"
                            + "\"fromGeneration\":null,\"engine\":\"signal\",\"engineVersion\":\"n/a\",\"local\":true,\"pid\":1234,"
                            + "\"fromScratch\":\"no generation verifies\"}"),
            Map.entry(new Event.Checkpoint(1, Optional.of(3), Trigger.SIGNAL, 1234, 5000, true, Optional.empty(), Optional.empty(),
                            Optional.of(timings())),
                    "{\"event\":\"checkpoint\",\"time\":\"" + T + "\",\"attempt\":1,\"generation\":3,\"trigger\":\"signal\",\"durationMs\":1234,"
                            + "\"bytes\":5000,\"ok\":true,\"error\":null,\"requestId\":null,"
                            + "\"commit\":{\"checksumAndSyncMs\":1,\"manifestMs\":2,\"renameMs\":3}}"),
            Map.entry(Event.Checkpoint.failed(1, Trigger.MANUAL, 0, "engine 'none' cannot checkpoint", Optional.of("abc")),
                    "{\"event\":\"checkpoint\",\"time\":\"" + T + "\",\"attempt\":1,\"generation\":null,\"trigger\":\"manual\",\"durationMs\":0,"
                            + "\"bytes\":0,\"ok\":false,\"error\":\"engine 'none' cannot checkpoint\",\"requestId\":\"abc\"}"),
            Map.entry(new Event.Restore(2, 2, false, Optional.empty(), "state/s: missing"),
                    "{\"event\":\"restore\",\"time\":\"" + T + "\",\"attempt\":2,\"generation\":2,\"ok\":false,\"fallbackFrom\":null,"
                            + "\"message\":\"state/s: missing\"}"),
            Map.entry(new Event.Restore(2, 1, true, Optional.of(2), "restarted from generation 1, falling back from generation 2"),
                    "{\"event\":\"restore\",\"time\":\"" + T + "\",\"attempt\":2,\"generation\":1,\"ok\":true,\"fallbackFrom\":2,"
                            + "\"message\":\"restarted from generation 1, falling back from generation 2\"}"),
            Map.entry(new Event.Request(1, Optional.of("abc"), true, true),
                    "{\"event\":\"request\",\"time\":\"" + T + "\",\"attempt\":1,\"requestId\":\"abc\",\"stop\":true,\"accepted\":true}"),
            Map.entry(new Event.Requeue(1, true, RequeueKind.RESTART, "requeued", Optional.empty(), Optional.of(540L)),
                    "{\"event\":\"requeue\",\"time\":\"" + T + "\",\"attempt\":1,\"ok\":true,\"kind\":\"restart\",\"message\":\"requeued\","
                            + "\"nextTimeLimitSeconds\":null,\"remainingBudgetSeconds\":540}"),
            Map.entry(new Event.AttemptEnd(1, EndReason.WALLTIME, Optional.empty(), 12.345, 11.0, true, Optional.of(3), Optional.empty()),
                    "{\"event\":\"attempt-end\",\"time\":\"" + T + "\",\"attempt\":1,\"reason\":\"walltime\",\"exitCode\":null,"
                            + "\"computeSeconds\":12.345,\"appSeconds\":11.0,\"requeued\":true,\"generation\":3}"),
            Map.entry(new Event.AttemptEnd(2, EndReason.LOST, Optional.empty(), 4.5, 4.5, false, Optional.empty(), Optional.of("killed")),
                    "{\"event\":\"attempt-end\",\"time\":\"" + T + "\",\"attempt\":2,\"reason\":\"lost\",\"exitCode\":null,"
                            + "\"computeSeconds\":4.5,\"appSeconds\":4.5,\"requeued\":false,\"message\":\"killed\"}"),
            Map.entry(new Event.AttemptLost("101", Optional.of(2), LostReason.NODE_FAIL, "n1", Optional.of("slurm"), Optional.empty()),
                    "{\"event\":\"attempt-lost\",\"time\":\"" + T + "\",\"jobId\":\"101\",\"attempt\":2,\"reason\":\"node-fail\","
                            + "\"node\":\"n1\",\"requeuedBy\":\"slurm\"}"),
            Map.entry(new Event.AttemptLost("102", Optional.empty(), LostReason.VANISHED, "", Optional.empty(), Optional.of("gone")),
                    "{\"event\":\"attempt-lost\",\"time\":\"" + T + "\",\"jobId\":\"102\",\"reason\":\"vanished\",\"node\":\"\","
                            + "\"message\":\"gone\"}"),
            Map.entry(new Event.IntervalChoice(2, "attempt-start", 1800.0, "daly", 1790.5, 30.0, 0, 54000.0, 1, 3600.0, 0.05,
                            true, Optional.of(3540.0)),
                    "{\"event\":\"interval\",\"time\":\"" + T + "\",\"attempt\":2,\"trigger\":\"attempt-start\","
                            + "\"intervalSeconds\":1800.0,\"bound\":\"daly\",\"dalySeconds\":1790.5,\"checkpointSeconds\":30.0,"
                            + "\"checkpointSamples\":0,\"mtbiSeconds\":54000.0,\"interruptions\":1,\"observedSeconds\":3600.0,"
                            + "\"priorRate\":0.05,\"priorFromSettings\":true,\"untilWarningSeconds\":3540.0}"));

    @Test
    void typedEventsAreWrittenByteForByteAsBefore() throws Exception {
        try (Journal j = Journal.openForAppend(ctl.resolve("journal.jsonl"), clock)) {
            for (var e : GOLDEN) j.append(e.getKey());
        }
        List<String> lines = Files.readAllLines(ctl.resolve("journal.jsonl"));
        assertEquals(GOLDEN.stream().map(Map.Entry::getValue).toList(), lines);
    }

    @Test
    void linesWrittenBeforeTheTypedEventsReadBackAsTheirTypes() throws Exception {
        Files.write(ctl.resolve("journal.jsonl"), GOLDEN.stream().map(Map.Entry::getValue).toList());
        List<JournalEvent> read = Journal.read(ctl);
        assertEquals(GOLDEN.stream().map(Map.Entry::getKey).toList(), read.stream().map(JournalEvent::typed).toList());
        assertEquals(Instant.parse(T), read.get(0).time());
    }

    @Test
    void unknownKindsAreKeptAndOddFieldsReadTolerantly() throws Exception {
        Files.write(ctl.resolve("journal.jsonl"), List.of(
                "{\"event\":\"future-event\",\"time\":\"2026-11-21T09:01:00Z\",\"attempt\":1,\"x\":[1,2]}",
                "{\"event\":\"attempt-start\",\"time\":\"2026-11-21T10:00:00+01:00\",\"attempt\":\"1\",\"jobId\":12,\"host\":null}",
                "{\"event\":\"attempt-end\",\"time\":\"2026-11-21T09:02:00Z\",\"attempt\":1,\"reason\":\"cosmic-ray\",\"computeSeconds\":3}",
                "{\"event\":\"checkpoint\",\"time\":\"yesterday\",\"attempt\":1}",
                "not json at all",
                "{\"event\":\"attempt-end\",\"time\":\"2026-11-21T10:0"));
        List<JournalEvent> read = Journal.read(ctl);
        assertEquals(3, read.size(), "the line with a bad time, the garbage and the torn last line are skipped");
        Event.Unknown u = assertInstanceOf(Event.Unknown.class, read.get(0).typed());
        assertEquals("future-event", u.kind());
        assertEquals(List.of("attempt", "x"), List.copyOf(u.fields().keySet()));
        Event.AttemptStart s = assertInstanceOf(Event.AttemptStart.class, read.get(1).typed());
        assertEquals(Instant.parse("2026-11-21T09:00:00Z"), read.get(1).time());
        assertEquals(1, s.attempt());
        assertEquals("12", s.jobId());
        assertEquals("", s.host());
        assertTrue(s.fromGeneration().isEmpty());
        Event.AttemptEnd end = assertInstanceOf(Event.AttemptEnd.class, read.get(2).typed());
        assertEquals(EndReason.UNKNOWN, end.reason());
        assertEquals(3.0, end.computeSeconds());
        assertTrue(end.exitCode().isEmpty());
    }

    @Test
    void aDriverAppendsOneEventWithoutHoldingTheJournal() throws Exception {
        Files.writeString(ctl.resolve("journal.jsonl"), "{\"event\":\"attempt-start\",\"ti");
        Event.AttemptLost lost = new Event.AttemptLost("7", Optional.empty(), LostReason.BOOT_FAIL, "n2", Optional.empty(), Optional.empty());
        Journal.appendOnce(ctl, clock, lost);
        List<JournalEvent> read = Journal.read(ctl);
        assertEquals(List.of(lost), read.stream().map(JournalEvent::typed).toList());
        assertTrue(lost.kind().equals(JournalEvent.ATTEMPT_LOST) && !lost.requeuedBySlurm());
    }

    @Test
    void wireNamesRoundTripAndUnknownOnesAreUnknown() {
        for (EndReason r : EndReason.values()) assertEquals(r, EndReason.fromWire(r.wireName()));
        for (Trigger t : Trigger.values()) assertEquals(t, Trigger.fromWire(t.wireName()));
        for (LostReason r : LostReason.values()) assertEquals(r, LostReason.fromWire(r.wireName()));
        for (RequeueKind k : RequeueKind.values()) assertEquals(k, RequeueKind.fromWire(k.wireName()));
        assertEquals(EndReason.UNKNOWN, EndReason.fromWire("cosmic-ray"));
        assertEquals(Trigger.UNKNOWN, Trigger.fromWire(null));
        assertEquals("engine-error", EndReason.ENGINE_ERROR.wireName());
        assertEquals("budget-exhausted", EndReason.BUDGET_EXHAUSTED.wireName());
    }
}
