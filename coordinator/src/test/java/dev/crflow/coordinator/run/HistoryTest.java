package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.EndReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {
    @TempDir Path ctl;

    @Test
    void anEmptyJournalHasUsedNothing() throws Exception {
        History h = History.read(ctl);
        assertEquals(new History(0, 0, 0, 0, 0, Optional.empty()), h);
        assertEquals(3, h.restartsLeft(3));
        assertEquals(Optional.of(Duration.ofMinutes(5)), h.budgetLeft(Optional.of(Duration.ofMinutes(5))));
        assertEquals(Optional.empty(), h.budgetLeft(Optional.empty()));
    }

    @Test
    void restartsAreRequeuedWalltimeOrPreemptionAndLostAttemptsRetriesAreRequeuedFailures() throws Exception {
        History h = new JournalFixture(ctl)
                .start(1, "1").end(1, EndReason.WALLTIME, true, 10)
                .start(2, "1").end(2, EndReason.PREEMPTED, true, 10)
                .start(3, "1").end(3, EndReason.LOST, false, 10)
                .start(4, "1").end(4, EndReason.FAILED, true, 10)
                .start(5, "1").end(5, EndReason.ENGINE_ERROR, true, 10)
                .start(6, "1").end(6, EndReason.WALLTIME, false, 10) // not requeued: e.g. the requeue itself ended the step
                .start(7, "1").end(7, EndReason.FAILED, false, 10)
                .history();
        assertEquals(7, h.attempts());
        assertEquals(3, h.restarts());
        assertEquals(2, h.retries());
        assertEquals(0, h.restartsLeft(3));
        assertEquals(1, h.restartsLeft(4));
        assertEquals(0, h.retriesLeft(1));
        assertEquals(1, h.retriesLeft(3));
        assertTrue(h.unfinished().isEmpty());
    }

    @Test
    void computeIsSummedInFractionsOfASecondNotTruncated() throws Exception {
        History h = new JournalFixture(ctl)
                .start(1, "1").end(1, EndReason.WALLTIME, true, 1.6)
                .start(2, "1").end(2, EndReason.WALLTIME, true, 1.6)
                .history();
        assertEquals(3.2, h.computeSeconds(), 1e-9);
        assertEquals(Duration.ofMillis(3200), h.computeUsed());
        assertEquals(Optional.of(Duration.ofMillis(800)), h.budgetLeft(Optional.of(Duration.ofSeconds(4))));
        assertFalse(h.budgetExhausted(Optional.of(Duration.ofSeconds(4))));
        assertEquals(Optional.of(Duration.ZERO), h.budgetLeft(Optional.of(Duration.ofSeconds(3))));
        assertTrue(h.budgetExhausted(Optional.of(Duration.ofSeconds(3))));
        assertFalse(h.budgetExhausted(Optional.empty()));
    }

    @Test
    void anAttemptLostBeforeItsCoordinatorRanIsARestart() throws Exception {
        History h = new JournalFixture(ctl)
                .start(1, "100").end(1, EndReason.WALLTIME, true, 5)
                .lost("101", Optional.empty()) // BOOT_FAIL of a new job: no attempt-start ever
                .history();
        assertEquals(2, h.restarts());
    }

    @Test
    void theOpenAttemptLostCountsOnceWhetherTheDriverOrTheNextCoordinatorRecordedIt() throws Exception {
        JournalFixture j = new JournalFixture(ctl).start(1, "100").lost("100", Optional.of(1));
        History driverOnly = j.history();
        assertEquals(1, driverOnly.restarts(), "only the driver knows yet");
        assertEquals(1, driverOnly.unfinished().orElseThrow().attempt().orElseThrow());
        // the next coordinator records the lost attempt itself: still one restart, not two
        History both = j.end(1, EndReason.LOST, false, 3).history();
        assertEquals(1, both.restarts());
        assertTrue(both.unfinished().isEmpty());
    }

    @Test
    void anAttemptLostOfAnEarlierAttemptOfTheSameJobIdIsNotCountedAgain() throws Exception {
        // Slurm requeues keep the job id: attempt 1 was lost and recorded, attempt 2 of the same job runs
        History h = new JournalFixture(ctl)
                .start(1, "100").lost("100", Optional.of(1)).end(1, EndReason.LOST, false, 3)
                .start(2, "100")
                .history();
        assertEquals(1, h.restarts());
        assertEquals(2, h.unfinished().orElseThrow().attempt().orElseThrow());
    }

    @Test
    void unknownEventsAndATornLineChangeNothing() throws Exception {
        new JournalFixture(ctl).start(1, "1").end(1, EndReason.WALLTIME, true, 2);
        Files.writeString(ctl.resolve("journal.jsonl"), "{\"event\":\"budget\",\"time\":\"2026-11-21T11:00:00Z\"}\n"
                + "{\"event\":\"attempt-end\",\"time\":\"2026-11-2", java.nio.file.StandardOpenOption.APPEND);
        History h = History.read(ctl);
        assertEquals(List.of(1, 1, 0), List.of(h.attempts(), h.restarts(), h.retries()));
        assertEquals(2.0, h.computeSeconds());
    }
}
