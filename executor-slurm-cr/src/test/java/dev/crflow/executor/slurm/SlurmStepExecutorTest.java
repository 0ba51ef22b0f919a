package dev.crflow.executor.slurm;

import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.JobStatus;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.TestSteps;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.control.SubmitIntent;
import dev.crflow.executor.lifecycle.StepLifecycle;
import dev.crflow.executor.process.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Submission bookkeeping and the "unknown is not dead" rules, over a scripted process runner. */
class SlurmStepExecutorTest {
    @TempDir Path tmp;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    final RetryPolicy noWait = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), d -> { });
    final CoordinatorLaunch coordinator = new CoordinatorLaunch(Path.of("/usr/bin/java"), Path.of("/opt/c.jar"), List.of());

    SlurmStepExecutor executor(FakeRunner r) {
        return new SlurmStepExecutor(new SlurmCli(r, noWait, clock), coordinator, clock, Duration.ofSeconds(5), noWait);
    }

    StepLaunch launch(int attempt) {
        Path ctl = tmp.resolve("ctl");
        var step = TestSteps.with(TestSteps.minimal("a", List.of()), "a", List.of(), List.of(), TestSteps.minimal("a", List.of()).resources());
        step = new dev.crflow.dsl.model.Step("a", List.of(), step.command(), tmp.resolve("wd").toString(), step.resources(), step.env(),
                step.modules(), step.sbatchExtra(), step.checkpoint(), step.container(), step.retry(), step.declaredAt());
        return new StepLaunch(step, new StepControlDir(ctl), "crflow-aaaaaaaa-a", attempt, List.of(), Optional.empty(), List.of("5"));
    }

    @Test
    void aDriverThatDiedAfterSbatchAdoptsTheJobInsteadOfSubmittingAgain() throws Exception {
        StepLaunch l = launch(2);
        l.controlDir().create();
        l.controlDir().writeJson(l.controlDir().submitIntent(), new SubmitIntent("crflow-aaaaaaaa-a", 2, clock.instant(), List.of("5")));
        FakeRunner r = new FakeRunner(c -> c.get(0).equals("squeue")
                ? FakeRunner.ok("5|5|N/A|crflow-aaaaaaaa-a|COMPLETED|None|n1\n9|9|N/A|crflow-aaaaaaaa-a|RUNNING|None|n2\n")
                : FakeRunner.fail(1, "unexpected"));
        JobHandle h = executor(r).submit(l);
        assertEquals("9", h.jobId(), "the job of this name the step never used");
        assertEquals(0, r.count("sbatch"));
        assertEquals("9", l.controlDir().readJob().orElseThrow().jobId());
    }

    @Test
    void aTransientSbatchFailureIsReconciledBeforeRetrying() throws Exception {
        AtomicInteger squeues = new AtomicInteger();
        FakeRunner r = new FakeRunner(c -> switch (c.get(0)) {
            case "sbatch" -> FakeRunner.fail(1, "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation");
            case "squeue" -> squeues.incrementAndGet() == 1 ? FakeRunner.ok("") : FakeRunner.ok("12|12|N/A|crflow-aaaaaaaa-a|PENDING|Priority|\n");
            default -> FakeRunner.fail(1, "unexpected");
        });
        JobHandle h = executor(r).submit(launch(1));
        assertEquals("12", h.jobId());
        assertEquals(2, r.count("sbatch"), "retried once after finding nothing, then found the job the second sbatch made");
        assertTrue(Files.readString(tmp.resolve("ctl/job.sbatch")).contains("#SBATCH --job-name='crflow-aaaaaaaa-a'"));
        assertTrue(Files.exists(tmp.resolve("wd")), "the step's workdir is created");
    }

    @Test
    void noSubmissionWhenSqueueCannotTellWhetherAnEarlierOneHappened() throws Exception {
        StepLaunch l = launch(1);
        l.controlDir().create();
        l.controlDir().writeJson(l.controlDir().submitIntent(), new SubmitIntent("crflow-aaaaaaaa-a", 1, clock.instant(), List.of()));
        FakeRunner r = new FakeRunner(c -> FakeRunner.fail(1, "slurm_load_jobs error: Unable to contact slurm controller"));
        ExecutorException e = assertThrows(ExecutorException.class, () -> executor(r).submit(l));
        assertTrue(e.environment());
        assertEquals(0, r.count("sbatch"));
    }

    @Test
    void aJobMissingFromSqueueIsConfirmedBeforeItIsLost() throws Exception {
        StepLaunch l = launch(1);
        l.controlDir().create();
        JobHandle h = new JobHandle("42", "crflow-aaaaaaaa-a", 1, "a");
        FakeRunner r = new FakeRunner(c -> c.get(0).equals("squeue") ? FakeRunner.ok("")
                : FakeRunner.fail(1, "slurm_load_jobs error: Invalid job id specified"));
        // a fresh heartbeat: alive somewhere, whatever squeue says
        Files.writeString(l.controlDir().heartbeat(), "{\"time\": \"" + clock.instant().minusSeconds(3) + "\"}");
        JobObservation o = executor(r).observe(Map.of(h, l.controlDir())).get(h);
        assertEquals(JobStatus.UNKNOWN, o.status(), o.toString());
        Files.writeString(l.controlDir().heartbeat(), "{\"time\": \"" + clock.instant().minusSeconds(120) + "\"}");
        o = executor(r).observe(Map.of(h, l.controlDir())).get(h);
        assertEquals(JobStatus.LOST, o.status(), o.toString());
        assertEquals("vanished", o.lostReason().orElseThrow());
        Files.writeString(l.controlDir().result(), "{\"outcome\": \"COMPLETED\", \"exitCode\": 0}");
        assertEquals(JobStatus.ENDED, executor(r).observe(Map.of(h, l.controlDir())).get(h).status());
    }

    /**
     * Issue 15: a user's scancel of a job whose coordinator could not answer it (the job was pending after its
     * coordinator's requeue, or the coordinator was killed): CANCELLED, never a loss to resubmit. With the
     * coordinator's result it is that result (ENDED).
     */
    @Test
    void aJobCancelledOutsideCrflowIsCancelledNotLost() throws Exception {
        StepLaunch l = launch(1);
        l.controlDir().create();
        FakeRunner r = new FakeRunner(c -> c.get(0).equals("squeue") ? FakeRunner.ok("42|42|N/A|crflow-aaaaaaaa-a|CANCELLED|BeginTime|\n")
                : FakeRunner.fail(1, "unexpected"));
        JobHandle h = new JobHandle("42", "crflow-aaaaaaaa-a", 1, "a");
        SlurmStepExecutor exec = executor(r);
        JobObservation o = exec.observe(Map.of(h, l.controlDir())).get(h);
        assertEquals(JobStatus.CANCELLED, o.status(), o.toString());
        StepLifecycle.Decision d = new StepLifecycle(exec, l.controlDir(), clock, Duration.ZERO).observe(h, o, 10);
        assertEquals(StepLifecycle.Verdict.CANCELLED, d.verdict(), d.toString());
        assertTrue(d.actions().isEmpty(), "nothing resubmitted, nothing journalled as lost: " + d.actions());
        Files.writeString(l.controlDir().result(), "{\"outcome\": \"CANCELLED\", \"exitCode\": 77}");
        assertEquals(JobStatus.ENDED, exec.observe(Map.of(h, l.controlDir())).get(h).status());
    }

    @Test
    void aFailedSqueueIsUnknownForEveryJob() throws Exception {
        StepLaunch l = launch(1);
        l.controlDir().create();
        FakeRunner r = new FakeRunner(c -> FakeRunner.fail(1, "Socket timed out"));
        JobHandle h = new JobHandle("42", "crflow-aaaaaaaa-a", 1, "a");
        assertEquals(JobStatus.UNKNOWN, executor(r).observe(Map.of(h, l.controlDir())).get(h).status());
        assertEquals(0, r.count("scontrol"), "no conclusion drawn from a failed squeue");
    }

    @Test
    void aRequeueHoldIsReleasedAndANodeFailureExcludesTheNode() throws Exception {
        StepLaunch l = launch(1);
        l.controlDir().create();
        l.controlDir().writeJson(l.controlDir().job(), new JobRecord("42", "crflow-aaaaaaaa-a", 1, clock.instant(), "slurm", null,
                List.of(), List.of("node1")));
        Files.writeString(l.controlDir().journal(), "{\"event\":\"attempt-start\",\"time\":\"2026-11-21T11:59:00Z\",\"attempt\":1,\"jobId\":\"42\",\"host\":\"node1\"}\n");
        FakeRunner r = new FakeRunner(c -> c.get(0).equals("squeue") ? FakeRunner.ok("42|42|N/A|crflow-aaaaaaaa-a|PENDING|BeginTime|\n")
                : new ProcessResult(0, "", "", false));
        JobHandle h = new JobHandle("42", "crflow-aaaaaaaa-a", 1, "a");
        SlurmStepExecutor exec = executor(r);
        JobObservation o = exec.observe(Map.of(h, l.controlDir())).get(h);
        assertTrue(r.calls.stream().noneMatch(c -> c.get(0).equals("scontrol") && c.contains("update")), "observing never acts");
        new StepLifecycle(exec, l.controlDir(), clock, Duration.ZERO).perform(o.wanted(), resubmit -> { });
        assertEquals(JobStatus.REQUEUED, o.status());
        assertEquals(List.of("node1"), o.lostNodes());
        assertTrue(r.calls.contains(List.of("scontrol", "update", "JobId=42", "ExcNodeList=node1")), r.calls.toString());
        assertTrue(r.calls.contains(List.of("scontrol", "update", "JobId=42", "StartTime=now")), r.calls.toString());
        assertTrue(Files.readString(l.controlDir().journal()).contains("\"attempt-lost\""));
    }

    @Test
    void theCoordinatorsOwnRequeueIsNotANodeFailure() throws Exception {
        StepLaunch l = launch(1);
        l.controlDir().create();
        Files.writeString(l.controlDir().journal(), "{\"event\":\"attempt-start\",\"time\":\"2026-11-21T11:59:00Z\",\"attempt\":1,\"jobId\":\"42\",\"host\":\"node1\"}\n");
        Files.writeString(l.controlDir().status(), "{\"phase\": \"REQUEUEING\", \"time\": \"" + clock.instant() + "\"}");
        FakeRunner r = new FakeRunner(c -> c.get(0).equals("squeue") ? FakeRunner.ok("42|42|N/A|crflow-aaaaaaaa-a|PENDING|BeginTime|\n")
                : new ProcessResult(0, "", "", false));
        JobHandle h = new JobHandle("42", "crflow-aaaaaaaa-a", 1, "a");
        SlurmStepExecutor exec = executor(r);
        JobObservation o = exec.observe(Map.of(h, l.controlDir())).get(h);
        assertTrue(r.calls.stream().noneMatch(c -> c.get(0).equals("scontrol") && c.contains("update")), "observing never acts");
        new StepLifecycle(exec, l.controlDir(), clock, Duration.ZERO).perform(o.wanted(), resubmit -> { });
        assertEquals(JobStatus.REQUEUED, o.status());
        assertEquals(List.of(), o.lostNodes());
        assertTrue(r.calls.stream().noneMatch(c -> c.toString().contains("ExcNodeList")), r.calls.toString());
        assertTrue(r.calls.contains(List.of("scontrol", "update", "JobId=42", "StartTime=now")), "hold still released");
    }

    @Test
    void theRequeueHoldIsNotReleasedInTheSecondsRightAfterTheRequeue() {
        java.time.Clock at = java.time.Clock.fixed(java.time.Instant.parse("2026-11-27T15:58:08Z"), java.time.ZoneOffset.UTC);
        java.time.LocalDateTime now = java.time.LocalDateTime.now(at.withZone(java.time.ZoneId.systemDefault()));
        JobDetails justRequeued = new JobDetails("42", "n", SlurmState.PENDING, "BeginTime", 1, java.util.Optional.empty(), List.of(),
                java.util.Optional.empty(), List.of(), java.util.Map.of("SubmitTime", now.minusSeconds(1).withNano(0).toString()));
        JobDetails settled = new JobDetails("42", "n", SlurmState.PENDING, "BeginTime", 1, java.util.Optional.empty(), List.of(),
                java.util.Optional.empty(), List.of(), java.util.Map.of("SubmitTime", now.minusSeconds(5).withNano(0).toString()));
        assertTrue(SlurmStepExecutor.requeuedTooRecently(justRequeued, at), "slurmd would refuse the launch: credential revoked");
        assertFalse(SlurmStepExecutor.requeuedTooRecently(settled, at));
        JobDetails unreadable = new JobDetails("42", "n", SlurmState.PENDING, "BeginTime", 1, java.util.Optional.empty(), List.of(),
                java.util.Optional.empty(), List.of(), java.util.Map.of("SubmitTime", "Unknown"));
        assertFalse(SlurmStepExecutor.requeuedTooRecently(unreadable, at), "an unreadable time never blocks the release");
    }
}
