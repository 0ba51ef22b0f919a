package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Attempt;
import dev.crflow.cli.report.StepModel.LostWork;
import dev.crflow.cli.report.StepModel.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlDirReaderTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir Path tmp;

    private static StepReport read(Path ctl, Instant now) {
        return new ControlDirReader(Clock.fixed(now, ZoneOffset.UTC)).read(new Source("step", ctl));
    }

    @Test
    void buildsAttemptsGapsAndFiguresFromTheStory() throws Exception {
        JournalFixture.story(tmp.resolve("ctl"), T0).write(null);
        StepReport s = read(tmp.resolve("ctl"), T0.plusSeconds(3 * 3600));

        assertEquals(StepState.COMPLETED, s.state());
        List<Attempt> a = s.attempts();
        assertEquals(3, a.size());
        assertEquals(EndReason.PREEMPTED, a.get(0).reason());
        assertEquals("node-a", a.get(0).host());
        assertEquals("4711", a.get(0).jobId());
        // attempt 2 has no attempt-end: its end is the last sign of life (the last sample before attempt 3), reason LOST
        assertEquals(EndReason.LOST, a.get(1).reason());
        assertFalse(a.get(1).endRecorded());
        assertTrue(a.get(1).end().isAfter(T0.plusSeconds(59 * 60)) && a.get(1).end().isBefore(T0.plusSeconds(63 * 60)));
        assertEquals(3, a.get(1).fromGeneration().getAsInt());
        assertEquals(EndReason.COMPLETED, a.get(2).reason());

        assertEquals(2, s.queueGaps().size());
        assertEquals(T0.plusSeconds(29 * 60 + 3), s.queueGaps().get(0).from());
        assertEquals(T0.plusSeconds(45 * 60), s.queueGaps().get(0).to());

        assertEquals(6, s.checkpoints().size());
        assertEquals(5, s.checkpointsOk());
        assertEquals(1, s.checkpointsFailed());
        assertEquals(2, s.restarts(), "result.json's count");
        assertEquals(3, s.restartsLeft().getAsInt());
        assertEquals(1, s.retriesLeft().getAsInt());
        assertEquals(Duration.ofHours(2), s.budgets().totalTime().orElseThrow());

        // lost work: attempt 1 ended 3 s after its signal checkpoint; attempt 2 lost everything after its 53-min checkpoint
        List<LostWork> lost = s.lostWork();
        assertEquals(2, lost.size());
        assertEquals(Duration.ofSeconds(3), lost.get(0).lost());
        assertTrue(lost.get(0).sinceCheckpoint());
        assertEquals(2, lost.get(1).attempt());
        assertTrue(lost.get(1).lost().compareTo(Duration.ofMinutes(6)) > 0 && lost.get(1).lost().compareTo(Duration.ofMinutes(8)) < 0,
                "about 7 minutes: " + lost.get(1).lost());

        // overhead: 74 s of checkpoints (incl. the failed one) over the compute time
        assertEquals(76.0, s.checkpointSeconds(), 0.001);
        assertTrue(s.checkpointOverheadPercent().getAsDouble() > 1 && s.checkpointOverheadPercent().getAsDouble() < 3);
        assertEquals(1595L << 20, s.bytesWritten());
        assertEquals(2, s.storedGenerations().size(), ".partial-* is never a generation");
        assertTrue(s.bytesStored() >= 4096 + 8192);

        // CPU: ~1 core between samples, lower while checkpointing, none for the first sample of each attempt
        assertTrue(s.samples().get(0).cpuPercent().isEmpty());
        assertEquals(97.5, s.samples().get(5).cpuPercent().getAsDouble(), 0.5);
        assertTrue(s.warnings().isEmpty(), s.warnings().toString());
    }

    @Test
    void tornLastLineIsIgnoredSilentlyAndBrokenMiddleLinesAreReported() throws Exception {
        Path ctl = tmp.resolve("torn");
        new JournalFixture(ctl)
                .attemptStart(T0, 1, "7", "h", null)
                .raw("{\"event\":\"checkpoint\", garbage")
                .checkpoint(T0.plusSeconds(60), 1, 1, "interval", 1000, 10, true, null)
                .write("{\"event\":\"attempt-end\",\"time\":\"2026-11-21T10:0");
        StepReport s = read(ctl, T0.plusSeconds(600));
        assertEquals(1, s.attempts().size());
        assertEquals(1, s.checkpoints().size());
        assertEquals(1, s.warnings().size(), s.warnings().toString());
        assertTrue(s.warnings().get(0).contains("line 2"));
        // no end recorded, heartbeat absent: the attempt ended somewhere after its last event
        assertEquals(EndReason.LOST, s.attempts().get(0).reason());
        assertEquals(StepState.UNKNOWN, s.state());
    }

    @Test
    void freshHeartbeatMeansRunningUntilNow() throws Exception {
        Path ctl = tmp.resolve("running");
        new JournalFixture(ctl).attemptStart(T0, 1, "8", "h", null).write(null).heartbeat(T0.plusSeconds(100), "h", "RUNNING");
        StepReport s = read(ctl, T0.plusSeconds(110));
        assertEquals(StepState.RUNNING, s.state());
        assertEquals(EndReason.RUNNING, s.attempts().get(0).reason());
        assertEquals(T0.plusSeconds(110), s.attempts().get(0).end());
    }

    @Test
    void requeuedAndWaitingBetweenAttempts() throws Exception {
        Path ctl = tmp.resolve("waiting");
        new JournalFixture(ctl).attemptStart(T0, 1, "9", "h", null).requeue(T0.plusSeconds(50), 1)
                .attemptEnd(T0.plusSeconds(51), 1, "walltime", 75, 51).write(null);
        StepReport s = read(ctl, T0.plusSeconds(500));
        assertEquals(StepState.WAITING, s.state());
        assertEquals(1, s.lostWork().size());
        assertEquals(Duration.ofSeconds(51), s.lostWork().get(0).lost(), "no checkpoint: the whole attempt is lost");
        assertFalse(s.lostWork().get(0).sinceCheckpoint());
        assertTrue(s.budgets().maxRestarts().isEmpty(), "no spec.json: budgets unknown");
    }

    @Test
    void missingFilesGiveAnEmptyButValidStep() throws Exception {
        Path ctl = Files.createDirectories(tmp.resolve("empty"));
        StepReport s = read(ctl, T0);
        assertEquals(StepState.NOT_STARTED, s.state());
        assertTrue(s.attempts().isEmpty());
        assertTrue(s.start().isEmpty());
        assertTrue(s.warnings().isEmpty());
    }

    @Test
    void unreadableFieldsAreTolerated() throws Exception {
        Path ctl = tmp.resolve("odd");
        new JournalFixture(ctl)
                .raw("{\"event\":\"attempt-start\",\"time\":\"2026-11-21T10:00:00+01:00\",\"attempt\":\"1\",\"jobId\":12,\"host\":null}")
                .raw("{\"event\":\"checkpoint\",\"time\":\"yesterday\",\"attempt\":1}")
                .raw("{\"event\":\"future-event\",\"time\":\"2026-11-21T09:01:00Z\",\"attempt\":1}")
                .raw("[1,2,3]")
                .raw("{\"event\":\"attempt-end\",\"time\":\"2026-11-21T09:02:00Z\",\"attempt\":1,\"reason\":\"cosmic-ray\"}")
                .write(null);
        StepReport s = read(ctl, T0);
        assertEquals(1, s.attempts().size());
        assertEquals(Instant.parse("2026-11-21T09:00:00Z"), s.attempts().get(0).start());
        assertEquals("12", s.attempts().get(0).jobId());
        assertEquals(EndReason.UNKNOWN, s.attempts().get(0).reason());
        assertEquals(2, s.warnings().size(), s.warnings().toString());
    }
}
