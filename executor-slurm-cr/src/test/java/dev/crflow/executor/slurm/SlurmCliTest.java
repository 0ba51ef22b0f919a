package dev.crflow.executor.slurm;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlurmCliTest {
    final List<Duration> slept = new ArrayList<>();
    final RetryPolicy retry = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), slept::add);
    final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void failedSqueueIsUnknownNeverEmpty() {
        FakeRunner r = new FakeRunner(c -> FakeRunner.fail(1, "slurm_load_jobs error: Unable to contact slurm controller"));
        QueueSnapshot s = new SlurmCli(r, retry, clock).queue(QueueQuery.byNames(List.of("crflow-aaaaaaaa-a")));
        assertFalse(s.known());
        assertEquals(JobPhase.UNKNOWN, s.phase("42"));
        assertEquals(1, r.count("squeue"), "a poll is one squeue; the next poll tries again");
    }

    @Test
    void oneSqueueForAllJobsOfARun() {
        FakeRunner r = new FakeRunner(c -> FakeRunner.ok("7|7|N/A|crflow-aaaaaaaa-a|RUNNING|None|n1\n8|8|N/A|crflow-aaaaaaaa-b|PENDING|Priority|\n"));
        SlurmCli cli = new SlurmCli(r, retry, clock);
        QueueSnapshotCache cache = new QueueSnapshotCache(cli, () -> QueueQuery.byNames(List.of("crflow-aaaaaaaa-a", "crflow-aaaaaaaa-b")),
                Duration.ofSeconds(5), clock);
        QueueSnapshot first = cache.snapshot();
        assertSame(first, cache.snapshot());
        assertEquals(1, r.count("squeue"));
        assertEquals(JobPhase.RUNNING, first.phase("7"));
        assertEquals(JobPhase.QUEUED, first.phase("8"));
        assertTrue(r.calls.get(0).contains("--name=crflow-aaaaaaaa-a,crflow-aaaaaaaa-b"), r.calls.toString());
    }

    @Test
    void transientScontrolFailuresAreRetriedWithBackoff() throws Exception {
        AtomicInteger n = new AtomicInteger();
        FakeRunner r = new FakeRunner(c -> n.incrementAndGet() < 3 ? FakeRunner.fail(1, "Socket timed out on send/recv operation")
                : FakeRunner.ok(""));
        new SlurmCli(r, retry, clock).releaseRequeueHold("42");
        assertEquals(3, r.count("scontrol"));
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), slept);
        assertEquals(List.of("scontrol", "update", "JobId=42", "StartTime=now"), r.calls.get(0));
    }

    @Test
    void invalidJobIdIsAnAnswerNotAFailure() throws Exception {
        FakeRunner r = new FakeRunner(c -> FakeRunner.fail(1, "slurm_load_jobs error: Invalid job id specified"));
        assertTrue(new SlurmCli(r, retry, clock).showJob("42").isEmpty());
        assertEquals(1, r.count("scontrol"));
    }

    @Test
    void sbatchIsNeverRetriedBlindly() {
        FakeRunner r = new FakeRunner(c -> FakeRunner.fail(1, "Socket timed out on send/recv operation"));
        SlurmException e = assertThrows(SlurmException.class, () -> new SlurmCli(r, retry, clock).submit(Path.of("/x"), List.of()));
        assertTrue(e.isTransient());
        assertEquals(1, r.count("sbatch"));
    }

    @Test
    void sbatchParsable() throws Exception {
        FakeRunner r = new FakeRunner(c -> FakeRunner.ok("1234;cluster\n"));
        assertEquals("1234", new SlurmCli(r, retry, clock).submit(Path.of("/x y/job.sbatch"), List.of()));
        assertEquals(List.of("sbatch", "--parsable", "/x y/job.sbatch"), r.calls.get(0));
    }

    @Test
    void cancelForbidsTheRequeueBeforeScancel() throws Exception {
        FakeRunner r = new FakeRunner(c -> FakeRunner.ok(""));
        new SlurmCli(r, retry, clock).cancel("42");
        assertEquals(List.of(List.of("scontrol", "hold", "42"), List.of("scontrol", "update", "JobId=42", "Requeue=0"),
                List.of("scancel", "42")), r.calls);
    }

    @Test
    void missingSlurmSaysWhatToDo() {
        FakeRunner r = new FakeRunner(c -> null);
        SlurmException e = assertThrows(SlurmException.class, () -> new SlurmCli(r, retry, clock).ping());
        assertTrue(e.getMessage().contains("sinfo"), e.getMessage());
    }
}
