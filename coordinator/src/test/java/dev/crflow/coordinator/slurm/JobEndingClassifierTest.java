package dev.crflow.coordinator.slurm;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Classification of {@code scontrol show job -o} lines captured on Slurm 22.05.8 (scripts/local-slurm) in the
 * batch script's SIGTERM trap: {@code src/test/resources/scontrol-22.05/}.
 */
class JobEndingClassifierTest {

    static String captured(String name) throws IOException {
        try (InputStream in = JobEndingClassifierTest.class.getResourceAsStream("/scontrol-22.05/" + name)) {
            if (in == null) throw new IOException("missing capture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aPlainScancelIsACancel() throws Exception {
        // JobState=COMPLETING Reason=None: CANCELLED hides behind the COMPLETING flag while processes remain
        assertEquals(JobEnding.CANCELLED, JobEndingClassifier.classifyOutput(captured("term-after-scancel.txt"), 0));
    }

    @Test
    void theTimeLimitIsWalltime() throws Exception {
        assertEquals(JobEnding.WALLTIME, JobEndingClassifier.classifyOutput(captured("term-at-timelimit.txt"), 0));
    }

    @Test
    void aPreemptTimeIsPreemptionInCancelMode() throws Exception {
        assertEquals(JobEnding.PREEMPTED, JobEndingClassifier.classifyOutput(captured("term-preempted-cancel.txt"), 0));
    }

    @Test
    void aScancelDuringThePreemptionsGraceIsACancel() throws Exception {
        // captured 4 s and 1 s after Slurm selected the job (PreemptTime) in preemptible-cancel, and 4 s after in the
        // REQUEUE-mode partition: EndTime is the cancel, later than PreemptTime
        assertEquals(JobEnding.CANCELLED, JobEndingClassifier.classifyOutput(captured("term-cancel-in-grace.txt"), 0));
        assertEquals(JobEnding.CANCELLED, JobEndingClassifier.classifyOutput(captured("term-cancel-in-grace-1s.txt"), 0));
        assertEquals(JobEnding.CANCELLED, JobEndingClassifier.classifyOutput(captured("term-cancel-in-grace-requeue-mode.txt"), 0));
    }

    @Test
    void thePreemptionsOwnKillSetsPreemptTimeAndEndTimeToTheSameSecond() throws Exception {
        assertEquals(JobEnding.PREEMPTED, JobEndingClassifier.classifyOutput(captured("term-preempted-cancel-after-grace.txt"), 0));
        // a cancel in the very second Slurm selected the job looks exactly like this: read as the preemption
        String sameSecond = captured("term-cancel-in-grace.txt").replace("EndTime=2026-11-27T20:46:17", "EndTime=2026-11-27T20:46:13");
        assertEquals(JobEnding.PREEMPTED, JobEndingClassifier.classifyOutput(sameSecond, 0));
        // what cannot be read stays a preemption (nothing is lost)
        String unknownEnd = captured("term-cancel-in-grace.txt").replace("EndTime=2026-11-27T20:46:17", "EndTime=Unknown");
        assertEquals(JobEnding.PREEMPTED, JobEndingClassifier.classifyOutput(unknownEnd, 0));
        // a job ended with a reason (here the time limit) is no cancel: it resumes like the preemption
        assertEquals(JobEnding.PREEMPTED, JobEndingClassifier.classifyOutput(
                captured("term-cancel-in-grace.txt").replace("Reason=None", "Reason=TimeLimit"), 0));
    }

    @Test
    void inTheGraceTheJobStillRunsSelectedForPreemption() throws Exception {
        // EndTime is PreemptTime + GraceTime (30 s) while the job runs on: a SIGTERM now (scancel -s TERM) is no cancel
        assertEquals(JobEnding.PREEMPTED, JobEndingClassifier.classifyOutput(captured("running-in-grace.txt"), 0));
    }

    @Test
    void aCancelledJobRequeuedWhileCompletingAndCancelledAgainWhilePending() throws Exception {
        // Slurm accepts 'scontrol requeue' of a cancelled job that is still completing: the cancel is undone
        assertEquals(JobEnding.REQUEUED, JobEndingClassifier.classifyOutput(captured("completing-after-requeue-of-cancelled.txt"), 0));
        // a scancel of the requeued, pending job: CANCELLED at once (no COMPLETING flag to hide it)
        assertEquals(JobEnding.CANCELLED, JobEndingClassifier.classifyOutput(captured("cancelled-while-requeued.txt"), 1));
    }

    @Test
    void theRecheckBeforeARequeueAsksOnceWithoutWaiting() throws Exception {
        List<String> asked = new ArrayList<>();
        JobEndingClassifier c = new JobEndingClassifier(id -> {
            asked.add(id);
            return new CommandResult(0, captured("running.txt"), "", false);
        }, 3, Duration.ofSeconds(30));
        assertEquals(JobEnding.UNKNOWN, c.forJob("6", 0).recheck());
        assertEquals(List.of("6"), asked);
        JobEndingClassifier cancelled = new JobEndingClassifier(id -> new CommandResult(0, captured("term-cancel-in-grace.txt"), "", false));
        assertEquals(JobEnding.CANCELLED, cancelled.forJob("2174", 0).recheck());
        assertEquals(JobEnding.UNKNOWN, JobEndingClassifier.Endings.unknown().recheck());
    }

    @Test
    void aRequeueCountedBeyondTheAttemptsRestartCountIsSlurmRequeueing() throws Exception {
        // the REQUEUE-mode capture is Restarts=1 taken in attempt 0: the same line seen from attempt 1 is no requeue
        assertEquals(JobEnding.REQUEUED, JobEndingClassifier.classifyOutput(captured("term-preempted-requeue.txt"), 0));
        assertEquals(JobEnding.CANCELLED, JobEndingClassifier.classifyOutput(captured("term-preempted-requeue.txt"), 1));
    }

    @Test
    void aRunningJobWithoutPreemptTimeIsNotEnding() throws Exception {
        assertEquals(JobEnding.UNKNOWN, JobEndingClassifier.classifyOutput(captured("running.txt"), 0));
        assertEquals(JobEnding.UNKNOWN, JobEndingClassifier.classifyOutput(captured("running-preemptible.txt"), 0));
    }

    @Test
    void baseStatesAndReasonsOnceTheFlagIsGone() throws Exception {
        String running = captured("running.txt");
        assertEquals(JobEnding.CANCELLED, JobEndingClassifier.classifyOutput(running.replace("JobState=RUNNING", "JobState=CANCELLED"), 0));
        assertEquals(JobEnding.WALLTIME, JobEndingClassifier.classifyOutput(running.replace("JobState=RUNNING", "JobState=TIMEOUT"), 0));
        assertEquals(JobEnding.NODE_FAILURE, JobEndingClassifier.classifyOutput(running.replace("JobState=RUNNING", "JobState=NODE_FAIL"), 0));
        assertEquals(JobEnding.NODE_FAILURE, JobEndingClassifier.classifyOutput(
                running.replace("JobState=RUNNING Reason=None", "JobState=COMPLETING Reason=NodeDown"), 0));
        assertEquals(JobEnding.PREEMPTED, JobEndingClassifier.classifyOutput(running.replace("JobState=RUNNING", "JobState=PREEMPTED"), 0));
        assertEquals(JobEnding.REQUEUED, JobEndingClassifier.classifyOutput(running.replace("JobState=RUNNING", "JobState=REQUEUED"), 0));
        assertEquals(JobEnding.UNKNOWN, JobEndingClassifier.classifyOutput("", 0));
        assertEquals(JobEnding.UNKNOWN, JobEndingClassifier.classifyOutput("slurm_load_jobs error: Invalid job id specified", 0));
    }

    @Test
    void asksAgainWhileTheJobStillLooksRunningThenGivesUp() throws Exception {
        Deque<CommandResult> answers = new ArrayDeque<>(List.of(
                new CommandResult(0, captured("running.txt"), "", false),
                new CommandResult(0, captured("term-after-scancel.txt"), "", false)));
        List<String> asked = new ArrayList<>();
        JobEndingClassifier c = new JobEndingClassifier(id -> {
            asked.add(id);
            return answers.isEmpty() ? new CommandResult(0, captured("running.txt"), "", false) : answers.poll();
        }, 3, Duration.ZERO);
        assertEquals(JobEnding.CANCELLED, c.classify("6", 0));
        assertEquals(List.of("6", "6"), asked);
        asked.clear();
        assertEquals(JobEnding.UNKNOWN, c.classify("6", 0));
        assertEquals(List.of("6", "6", "6"), asked);
    }

    @Test
    void scontrolFailingOrMissingIsUnknownAndNoJobIdNeverAsks() throws Exception {
        JobEndingClassifier failing = new JobEndingClassifier(id -> new CommandResult(1, "", "Socket timed out", false), 2, Duration.ZERO);
        assertEquals(JobEnding.UNKNOWN, failing.classify("7", 0));
        JobEndingClassifier missing = new JobEndingClassifier(id -> { throw new IOException("scontrol: not found"); }, 2, Duration.ZERO);
        assertEquals(JobEnding.UNKNOWN, missing.classify("7", 0));
        JobEndingClassifier never = new JobEndingClassifier(id -> { throw new AssertionError("asked"); }, 2, Duration.ZERO);
        assertEquals(JobEnding.UNKNOWN, never.forJob("", 0).classify());
    }

    @Test
    void theRealScontrolCommandLine() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        JobEndingClassifier.JobQuery q = JobEndingClassifier.JobQuery.scontrol(args -> {
            calls.add(args);
            return new CommandResult(0, "", "", false);
        });
        q.showJob("42");
        assertEquals(List.of(List.of("show", "job", "-o", "42")), calls);
    }
}
