package dev.crflow.executor.lifecycle;

import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.JobStatus;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.TestSteps;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one step lifecycle: decisions as data over a fake executor and a fake clock; actions done by perform. */
class StepLifecycleTest {
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    @TempDir Path tmp;

    /** Records what the lifecycle asked of the executor; never submits or observes by itself. */
    static final class FakeExecutor implements StepExecutor {
        final List<String> calls = new ArrayList<>();
        @Override public String name() { return "fake"; }
        @Override public void check() { }
        @Override public JobHandle submit(StepLaunch launch) { calls.add("submit " + launch.attempt()); return new JobHandle("9", "n", launch.attempt(), "a"); }
        @Override public JobHandle reattach(StepLaunch launch, JobRecord record) {
            calls.add("reattach " + record.jobId());
            return new JobHandle(record.jobId(), record.jobName(), record.attempt(), "a");
        }
        @Override public Map<JobHandle, JobObservation> observe(Map<JobHandle, StepControlDir> jobs) { throw new AssertionError("not used"); }
        @Override public void cancel(JobHandle job) { calls.add("cancel " + job.jobId()); }
        @Override public void releaseRequeueHold(String jobId) { calls.add("release " + jobId); }
        @Override public void excludeNodes(String jobId, List<String> nodes) { calls.add("exclude " + jobId + " " + nodes); }
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = T0;
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    final FakeExecutor exec = new FakeExecutor();
    final MovingClock clock = new MovingClock();
    final JobHandle job42 = new JobHandle("42", "crflow-x-a", 1, "a");

    StepControlDir ctl() throws Exception {
        return new StepControlDir(tmp.resolve("ctl")).create();
    }

    void journal(StepControlDir ctl, String... lines) throws Exception {
        Files.writeString(ctl.journal(), String.join("\n", lines) + "\n");
    }

    static String start(int attempt, String jobId, String host) {
        return "{\"event\":\"attempt-start\",\"time\":\"2026-11-21T11:00:0" + attempt + "Z\",\"attempt\":" + attempt
                + ",\"jobId\":\"" + jobId + "\",\"host\":\"" + host + "\"}";
    }

    static String end(int attempt, String reason, boolean requeued, double compute) {
        return "{\"event\":\"attempt-end\",\"time\":\"2026-11-21T11:30:0" + attempt + "Z\",\"attempt\":" + attempt + ",\"reason\":\""
                + reason + "\",\"requeued\":" + requeued + ",\"computeSeconds\":" + compute + "}";
    }

    List<LifecycleAction.Resubmit> performAll(StepLifecycle life, StepLifecycle.Decision d) throws ExecutorException {
        List<LifecycleAction.Resubmit> resubmits = new ArrayList<>();
        life.perform(d.actions(), resubmits::add);
        return resubmits;
    }

    @Test
    void aJobThatEndedWithoutAResultIsLostJournalledOnceAndResubmitted() throws Exception {
        StepControlDir ctl = ctl();
        journal(ctl, start(1, "42", "node1.cluster"));
        StepLifecycle life = new StepLifecycle(exec, ctl, clock, Duration.ZERO);
        StepLifecycle.Decision d = life.observe(job42, JobObservation.of(JobStatus.ENDED, "COMPLETED"), 3);
        assertEquals(StepLifecycle.Verdict.RESTART, d.verdict());
        List<LifecycleAction.Resubmit> resubmits = performAll(life, d);
        assertEquals(1, resubmits.size());
        assertEquals(List.of(), resubmits.get(0).excludeNodes(), "vanished is no node problem: no node excluded");
        List<JournalEvent> lost = ctl.readJournal().stream().filter(e -> e.is(JournalEvent.ATTEMPT_LOST)).toList();
        assertEquals(1, lost.size());
        JournalEvent e = lost.get(0);
        assertEquals(T0, e.time());
        assertEquals(Optional.of(1), e.attempt());
        assertEquals(Optional.of("42"), e.jobId());
        assertEquals(Optional.of("node1.cluster"), e.host());
        assertEquals(Optional.of("vanished"), e.reason());
        // the same loss seen again (e.g. the next poll) is not journalled twice
        StepLifecycle.Decision again = life.observe(job42, JobObservation.of(JobStatus.ENDED, "COMPLETED"), 3);
        assertTrue(again.actions().stream().noneMatch(a -> a instanceof LifecycleAction.JournalAttemptLost));
        assertEquals(1, life.restartsUsed());
    }

    @Test
    void aNodeFailureExcludesTheNodeAndTheBudgetComesFromTheJournalNotFromMemory() throws Exception {
        StepControlDir ctl = ctl();
        // two walltime requeues already charged by the coordinator, then a node failure: maxRestarts 2 is used up
        journal(ctl, start(1, "42", "n1"), end(1, "walltime", true, 60), start(2, "42", "n1"), end(2, "walltime", true, 60),
                start(3, "42", "n1"));
        StepLifecycle life = new StepLifecycle(exec, ctl, clock, Duration.ZERO);
        assertEquals(2, life.restartsUsed());
        StepLifecycle.Decision d = life.observe(job42, JobObservation.lost("node-fail", "NODE_FAIL", List.of("n1")), 2);
        assertEquals(StepLifecycle.Verdict.GIVE_UP, d.verdict(), d.detail());
        assertTrue(performAll(life, d).isEmpty());
        assertEquals(3, life.restartsUsed(), "the loss is journalled even when giving up");
        // with one more restart allowed, a fresh lifecycle (a restarted Nextflow or driver) restarts away from the node
        StepLifecycle fresh = new StepLifecycle(exec, ctl, clock, Duration.ZERO);
        JobHandle job43 = new JobHandle("43", "crflow-x-a", 2, "a");
        StepLifecycle.Decision d2 = fresh.observe(job43, JobObservation.lost("boot-fail", "BOOT_FAIL", List.of("n2")), 5);
        assertEquals(StepLifecycle.Verdict.RESTART, d2.verdict());
        assertEquals(List.of("n2"), performAll(fresh, d2).get(0).excludeNodes());
        assertEquals(4, fresh.restartsUsed(), "a job lost before its coordinator started counts too");
    }

    @Test
    void aMissingResultGetsItsGraceOnSharedStorageBeforeTheJobCountsAsLost() throws Exception {
        StepControlDir ctl = ctl();
        journal(ctl, start(1, "42", "n1"));
        StepLifecycle life = new StepLifecycle(exec, ctl, clock, Duration.ofSeconds(20));
        assertEquals(StepLifecycle.Verdict.WAITING, life.observe(job42, JobObservation.of(JobStatus.ENDED, "COMPLETED"), 3).verdict());
        clock.now = T0.plusSeconds(10);
        assertEquals(StepLifecycle.Verdict.WAITING, life.observe(job42, JobObservation.of(JobStatus.ENDED, "COMPLETED"), 3).verdict());
        Files.writeString(ctl.result(), "{\"outcome\":\"COMPLETED\",\"exitCode\":0,\"attempts\":1,\"restarts\":0,\"retries\":0}");
        StepLifecycle.Decision d = life.observe(job42, JobObservation.of(JobStatus.ENDED, "COMPLETED"), 3);
        assertEquals(StepLifecycle.Verdict.FINISHED, d.verdict());
        assertEquals(0, d.result().orElseThrow().exitCode());
        Files.delete(ctl.result());
        clock.now = T0.plusSeconds(21);
        assertEquals(StepLifecycle.Verdict.RESTART, life.observe(job42, JobObservation.of(JobStatus.ENDED, "COMPLETED"), 3).verdict());
    }

    @Test
    void aRequestedStopIsNotALoss() throws Exception {
        StepControlDir ctl = ctl();
        journal(ctl, start(1, "42", "n1"));
        Files.writeString(ctl.path().resolve(StepLifecycle.STOP_MARKER), "now\n");
        StepLifecycle life = new StepLifecycle(exec, ctl, clock, Duration.ZERO);
        StepLifecycle.Decision d = life.observe(job42, JobObservation.of(JobStatus.ENDED, "COMPLETED"), 3);
        assertEquals(StepLifecycle.Verdict.STOPPED, d.verdict());
        assertTrue(d.actions().isEmpty());
    }

    @Test
    void theExecutorsWishesArePerformedInTheOnePlaceAndAliveJobsWait() throws Exception {
        StepControlDir ctl = ctl();
        StepLifecycle life = new StepLifecycle(exec, ctl, clock, Duration.ZERO);
        JobObservation held = new JobObservation(JobStatus.REQUEUED, "PENDING (BeginTime)", List.of(), List.of("n1"),
                Optional.of("node-fail"), Optional.empty(), List.of(new LifecycleAction.ExcludeNodes("42", List.of("n1")),
                new LifecycleAction.ReleaseRequeueHold("42")));
        StepLifecycle.Decision d = life.observe(job42, held, 3);
        assertEquals(StepLifecycle.Verdict.WAITING, d.verdict());
        assertTrue(exec.calls.isEmpty(), "deciding never acts");
        assertTrue(performAll(life, d).isEmpty());
        assertEquals(List.of("exclude 42 [n1]", "release 42"), exec.calls);
    }

    @Test
    void attemptsAreNumberedFromJobJsonAndAnEarlierDriversJobIsReattached() throws Exception {
        StepControlDir ctl = ctl();
        assertEquals(1, StepLifecycle.nextAttempt(ctl));
        assertEquals(List.of(), StepLifecycle.knownJobIds(ctl));
        ctl.writeJson(ctl.job(), new JobRecord("43", "crflow-x-a", 2, T0, "slurm", null, List.of("42"), List.of()));
        assertEquals(3, StepLifecycle.nextAttempt(ctl));
        assertEquals(List.of("42", "43"), StepLifecycle.knownJobIds(ctl));
        StepLifecycle life = new StepLifecycle(exec, ctl, clock, Duration.ZERO);
        StepLaunch two = new StepLaunch(TestSteps.minimal("a", List.of()), ctl, "crflow-x-a", 2, List.of(), Optional.empty(), List.of());
        assertEquals("43", life.reattach(two).orElseThrow().jobId());
        StepLaunch three = new StepLaunch(TestSteps.minimal("a", List.of()), ctl, "crflow-x-a", 3, List.of(), Optional.empty(), List.of());
        assertFalse(life.reattach(three).isPresent(), "job.json is older than the attempt: submit (which reconciles)");
    }

    @Test
    void theBudgetLeftIsTheCoordinatorsComputeToTheMillisecond() throws Exception {
        StepControlDir ctl = ctl();
        journal(ctl, start(1, "42", "n1"), end(1, "walltime", true, 10.6), start(2, "42", "n1"), end(2, "walltime", true, 20.7));
        var cp = TestSteps.simulate().checkpoint();
        var step = TestSteps.simulate();
        StepLifecycle life = new StepLifecycle(exec, ctl, clock, Duration.ZERO);
        assertEquals(cp.totalTime().orElseThrow().minusMillis(31_300), life.budgetLeft(step).orElseThrow());
    }
}
