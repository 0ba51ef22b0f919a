package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.run.WorkAccount.Interruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden journals (docs/contracts.md §3) and the work-saved figures they must give, to the millisecond. */
class WorkAccountTest {
    @TempDir Path tmp;

    private List<JournalEvent> golden(String name) throws IOException {
        Path ctl = Files.createDirectories(tmp.resolve(name));
        try (InputStream in = getClass().getResourceAsStream("/workaccount/" + name + ".jsonl")) {
            Files.copy(in, ctl.resolve("journal.jsonl"));
        }
        return Journal.read(ctl);
    }

    @Test
    void theWarningsCheckpointLosesNothingAndALostNodeLosesWhatCameAfterTheLastGeneration() throws IOException {
        WorkAccount a = WorkAccount.of(golden("walltime-then-lost"));
        assertEquals(2, a.interruptions().size());

        Interruption walltime = a.interruptions().get(0);
        assertEquals(new Interruption(1, EndReason.WALLTIME, Optional.of(3), 1496.0, 0.0, false, true, false), walltime,
                "generation 3 holds 1500 s of work less the 4 s two interval checkpoints stood still; the signal's stop loses nothing");

        Interruption lost = a.interruptions().get(1);
        // attempt 2 resumed 1496 s at 10:30:04, generation 4 began at 10:40:04 (+600 s); the node died at the charged
        // 10:45:00 (896 s after the restore, 2 s of them in a checkpoint): 294 s since generation 4 were done again
        assertEquals(new Interruption(2, EndReason.LOST, Optional.of(4), 2096.0, 294.0, false, false, false), lost);

        assertEquals(3592.0, a.savedSeconds(), 1e-9);
        assertEquals(294.0, a.lostSeconds(), 1e-9);
        assertEquals(4, a.checkpoints());
        assertEquals(9.0, a.checkpointSeconds(), 1e-9);
        assertEquals(2, a.restores());
        assertEquals(7.0, a.restoreSeconds(), 1e-9, "4 s and 3 s from attempt-start to the restore");
        assertEquals(16.0, a.costSeconds(), 1e-9);
        assertEquals(4000, a.bytesWritten());
        assertFalse(a.lostIsLowerBound());
    }

    @Test
    void aScratchRestartSavesNothingAFailedWarningLosesSinceTheLastGenerationAndAStopLosesNothing() throws IOException {
        WorkAccount a = WorkAccount.of(golden("failed-warning-and-scratch"));
        assertEquals(List.of(
                new Interruption(1, EndReason.PREEMPTED, Optional.empty(), 0.0, 300.0, false, false, false),
                // 871 s less 31 s in checkpoints = 840 s reached; generation 1 held 600 s
                new Interruption(2, EndReason.WALLTIME, Optional.of(1), 600.0, 240.0, false, false, false),
                // stopped on request: not restarted yet, the newest generation (2: 600 + 298 s) is what a restart keeps
                new Interruption(3, EndReason.STOPPED, Optional.of(2), 898.0, 0.0, false, true, true)),
                a.interruptions());
        assertEquals(33.0, a.checkpointSeconds(), 1e-9, "the failed checkpoint's 30 s count as cost too");
        assertEquals(2.0, a.restoreSeconds(), 1e-9);
        assertEquals(1100, a.bytesWritten());
    }

    @Test
    void anAttemptThatVanishedIsALowerBoundUntilALaterSignOfLife() throws IOException {
        Path ctl = Files.createDirectories(tmp.resolve("vanished"));
        Files.writeString(ctl.resolve("journal.jsonl"), String.join("\n",
                "{\"event\":\"attempt-start\",\"time\":\"2026-11-21T10:00:00Z\",\"attempt\":1,\"jobId\":\"7\",\"host\":\"n1\",\"restartCount\":0,\"engine\":\"signal\",\"local\":false,\"pid\":1}",
                "{\"event\":\"checkpoint\",\"time\":\"2026-11-21T10:01:00Z\",\"attempt\":1,\"generation\":1,\"trigger\":\"interval\",\"durationMs\":0,\"bytes\":10,\"ok\":true}",
                "{\"event\":\"attempt-lost\",\"time\":\"2026-11-21T10:09:00Z\",\"jobId\":\"7\",\"attempt\":1,\"reason\":\"node-fail\",\"node\":\"n1\"}",
                ""));
        List<JournalEvent> events = Journal.read(ctl);
        Interruption i = WorkAccount.of(events).interruptions().get(0);
        assertEquals(new Interruption(1, EndReason.LOST, Optional.of(1), 60.0, 0.0, true, false, true), i,
                "nothing after the checkpoint is journalled: at least nothing lost");
        Interruption withSamples = WorkAccount.of(events, Map.of(1, Instant.parse("2026-11-21T10:03:30Z"))).interruptions().get(0);
        assertEquals(150.0, withSamples.lostSeconds(), 1e-9, "a sample 150 s after generation 1");
        assertTrue(withSamples.lowerBound());
    }

    @Test
    void aRunningAttemptIsNoInterruptionAndAccountsAddUp() throws IOException {
        Path ctl = Files.createDirectories(tmp.resolve("running"));
        Files.writeString(ctl.resolve("journal.jsonl"),
                "{\"event\":\"attempt-start\",\"time\":\"2026-11-21T10:00:00Z\",\"attempt\":1,\"jobId\":\"7\",\"host\":\"n1\",\"restartCount\":0,\"engine\":\"signal\",\"local\":false,\"pid\":1}\n");
        WorkAccount running = WorkAccount.read(ctl);
        assertTrue(running.interruptions().isEmpty());
        assertEquals(Optional.of(0L), running.bytesStored(), "no images directory: nothing stored");
        WorkAccount sum = running.plus(WorkAccount.of(golden("walltime-then-lost")));
        assertEquals(3592.0, sum.savedSeconds(), 1e-9);
        assertEquals(Optional.of(0L), sum.bytesStored());
        assertEquals(WorkAccount.empty(), WorkAccount.of(List.of()));
    }
}
