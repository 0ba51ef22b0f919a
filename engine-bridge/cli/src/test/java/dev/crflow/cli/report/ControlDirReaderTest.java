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

        // lost work: attempt 1 ended 3 s after its signal checkpoint, which stopped the application: nothing lost (the
        // bug was to count those 3 s); attempt 2 lost everything after its 53-min checkpoint
        List<LostWork> lost = s.lostWork();
        assertEquals(2, lost.size());
        assertEquals(Duration.ZERO, lost.get(0).lost());
        assertTrue(lost.get(0).stopCheckpoint());
        assertTrue(lost.get(0).sinceCheckpoint());
        assertTrue(lost.get(0).saved().compareTo(Duration.ZERO) > 0, "the signal's generation saved the attempt's work");
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

    @Test
    void aLossJournalledByTheNextCoordinatorEndsAtTheChargedComputeNotWhenItWasNoticed() throws Exception {
        Path ctl = tmp.resolve("lost");
        new JournalFixture(ctl)
                .attemptStart(T0, 1, "11", "node-a", null)
                .checkpoint(T0.plusSeconds(60), 1, 1, "interval", 500, 100, true, null)
                // the next coordinator starts 10 minutes later and records the loss, charged up to the last heartbeat
                .raw("{\"event\":\"attempt-end\",\"time\":\"2026-11-21T10:12:00Z\",\"attempt\":1,\"reason\":\"lost\",\"exitCode\":null,"
                        + "\"computeSeconds\":95.0,\"message\":\"the coordinator of attempt 1 ended without a word\"}")
                .attemptStart(T0.plusSeconds(720), 2, "11", "node-b", 1)
                .attemptEnd(T0.plusSeconds(800), 2, "completed", 0, 80)
                .sample(T0.plusSeconds(90), 10, 1)
                .write(null);
        StepReport s = read(ctl, T0.plusSeconds(3600));
        StepModel.Attempt lost = s.attempts().get(0);
        assertEquals(EndReason.LOST, lost.reason());
        assertEquals(T0.plusSeconds(95), lost.end(), "charged compute beats the 90 s sample; the 12-minute notice is not its end");
        assertEquals("the coordinator of attempt 1 ended without a word", lost.message().orElseThrow());
        assertEquals(1, s.queueGaps().size());
        assertEquals(Duration.ofSeconds(35), s.lostWork().get(0).lost(), "95 s − the checkpoint at 60 s");
        assertEquals(1, s.restarts());
    }

    @Test
    void stoppedOnRequestIsResumableNotFinal() throws Exception {
        Path ctl = tmp.resolve("stopped");
        new JournalFixture(ctl).attemptStart(T0, 1, "12", "h", null)
                .checkpoint(T0.plusSeconds(30), 1, 1, "manual", 300, 10, true, null)
                .attemptEnd(T0.plusSeconds(31), 1, "stopped", null, 31).write(null);
        StepReport s = read(ctl, T0.plusSeconds(600));
        assertEquals(StepState.STOPPED, s.state());
        assertEquals(EndReason.STOPPED, s.attempts().get(0).reason());
    }

    @Test
    void samplesCarryingTheirAttemptAreAssignedByIt() throws Exception {
        Path ctl = tmp.resolve("samples");
        JournalFixture f = new JournalFixture(ctl).attemptStart(T0, 1, "1", "h", null)
                .attemptEnd(T0.plusSeconds(10), 1, "walltime", null, 10)
                .attemptStart(T0.plusSeconds(10), 2, "1", "h", 1).attemptEnd(T0.plusSeconds(20), 2, "completed", 0, 10);
        f.write(null);
        // the same instant, different attempts: the CPU of attempt 2 starts afresh (no negative or giant figure)
        Files.writeString(ctl.resolve("samples.jsonl"),
                "{\"time\":\"2026-11-21T10:00:05Z\",\"attempt\":1,\"rssBytes\":5,\"cpuSeconds\":4.0,\"processes\":1}\n"
                        + "{\"time\":\"2026-11-21T10:00:10Z\",\"attempt\":1,\"rssBytes\":5,\"cpuSeconds\":9.0,\"processes\":1}\n"
                        + "{\"time\":\"2026-11-21T10:00:10Z\",\"attempt\":2,\"rssBytes\":5,\"cpuSeconds\":0.1,\"processes\":1}\n"
                        + "{\"time\":\"2026-11-21T10:00:15Z\",\"attempt\":2,\"rssBytes\":5,\"cpuSeconds\":2.6,\"processes\":1}\n");
        StepReport s = read(ctl, T0.plusSeconds(600));
        assertEquals(100.0, s.samples().get(1).cpuPercent().getAsDouble(), 0.01);
        assertTrue(s.samples().get(2).cpuPercent().isEmpty());
        assertEquals(50.0, s.samples().get(3).cpuPercent().getAsDouble(), 0.01);
    }

    @Test
    void theDriversAttemptLostExplainsTheLossAndJobsLostBeforeStartingAreNoted() throws Exception {
        Path ctl = tmp.resolve("driver");
        new JournalFixture(ctl)
                .attemptStart(T0, 1, "101", "node-a", null)
                .sample(T0.plusSeconds(30), 10, 1)
                .raw("{\"event\":\"attempt-lost\",\"time\":\"2026-11-21T10:05:00Z\",\"jobId\":\"101\",\"reason\":\"node-fail\",\"node\":\"n1\",\"requeuedBy\":\"slurm\"}")
                .raw("{\"event\":\"attempt-lost\",\"time\":\"2026-11-21T10:06:00Z\",\"jobId\":\"102\",\"reason\":\"vanished\",\"node\":\"\"}")
                .attemptStart(T0.plusSeconds(400), 2, "103", "node-b", null)
                .attemptEnd(T0.plusSeconds(460), 2, "completed", 0, 60)
                .write(null);
        StepReport s = read(ctl, T0.plusSeconds(3600));
        assertEquals(EndReason.LOST, s.attempts().get(0).reason());
        assertEquals(T0.plusSeconds(30), s.attempts().get(0).end(), "the last sample, not when the driver noticed");
        assertEquals("lost (node-fail on n1)", s.attempts().get(0).message().orElseThrow());
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains("job 102 lost (vanished) before its coordinator started")), s.warnings().toString());
    }

    @Test
    void theDriversWordSettlesWhatTheCoordinatorCouldNotWrite() throws Exception {
        Path ctl = tmp.resolve("cancelled");
        new JournalFixture(ctl).attemptStart(T0, 1, "7", "h", null).write(null);
        Files.writeString(ctl.resolve("driver.json"), "{\"state\":\"CANCELLED\",\"attempt\":1,\"message\":\"cancelled by crflow cancel\"}");
        StepReport s = read(ctl, T0.plusSeconds(600));
        assertEquals(StepState.CANCELLED, s.state());
        assertEquals("cancelled by crflow cancel", s.result().orElseThrow().message().orElseThrow());
    }
}
