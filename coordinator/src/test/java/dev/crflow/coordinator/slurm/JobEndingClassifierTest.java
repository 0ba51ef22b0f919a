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
