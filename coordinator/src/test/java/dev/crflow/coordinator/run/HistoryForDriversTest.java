package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What drivers use: restarts including the losses only a driver records, compute as a duration, the tolerant read. */
class HistoryForDriversTest {
    @TempDir Path tmp;

    List<JournalEvent> journal(String text) throws Exception {
        Files.writeString(tmp.resolve("journal.jsonl"), text);
        return Journal.read(tmp);
    }

    @Test
    void aLostOpenAttemptCountsOnceBeforeAndAfterTheNextCoordinatorRecordsIt() throws Exception {
        String before = """
                {"event":"attempt-start","time":"2026-11-21T00:00:01Z","attempt":1,"jobId":"7"}
                {"event":"attempt-lost","time":"2026-11-21T00:05:00Z","attempt":1,"jobId":"7","reason":"node-fail"}
                {"event":"attempt-lost","time":"2026-11-21T00:06:00Z","jobId":"8","reason":"boot-fail"}
                """;
        assertEquals(2, History.of(journal(before)).restarts(), "the open attempt's loss and a job that never started");
        assertEquals(2, History.restartsWithLosses(journal(before)), "one count for coordinator and drivers");
        String after = before + """
                {"event":"attempt-start","time":"2026-11-21T00:07:00Z","attempt":2,"jobId":"9"}
                {"event":"attempt-end","time":"2026-11-21T00:07:00Z","attempt":1,"reason":"lost","computeSeconds":12.25}
                """;
        assertEquals(2, History.of(journal(after)).restarts(), "the next coordinator recorded the loss: the total stayed");
        assertEquals(2, History.restartsWithLosses(journal(after)));
        assertEquals(Duration.ofMillis(12_250), History.of(journal(after)).computeUsed());
    }

    @Test
    void theTolerantReadReportsBadLinesButNotATornTail() throws Exception {
        Files.writeString(tmp.resolve("journal.jsonl"), """
                {"event":"attempt-start","time":"2026-11-21T01:00:00+01:00","attempt":1}
                not json
                {"event":"checkpoint","time":"yesterday"}
                {"event":"attempt-end","time":"2026-11-2""");
        List<String> problems = new ArrayList<>();
        List<JournalEvent> events = Journal.readTolerant(tmp, problems::add);
        assertEquals(1, events.size());
        assertEquals(java.time.Instant.parse("2026-11-21T00:00:00Z"), events.get(0).time());
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("line 2"), problems.toString());
        assertTrue(problems.get(1).contains("line 3 (checkpoint) has no readable time"), problems.toString());
        assertEquals(1, Journal.read(tmp).size(), "the strict reader: same parser, silent");
    }
}
