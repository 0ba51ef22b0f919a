package dev.crflow.cli.runner;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.JobStatus;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's decisions, against a scripted executor (the real executors are proven by the examples' ITs). */
class RunnerTest {
    @TempDir Path work;

    static Step step(String name, int retry, int maxRestarts, String... after) {
        CheckpointPolicy cp = new CheckpointPolicy(Engine.SIGNAL, Optional.empty(), "USR1", Duration.ofSeconds(30),
                Optional.of("INT"), List.of("state"), 2, maxRestarts, Optional.empty());
        return new Step(name, List.of(after), new StepCommand(StepCommand.Kind.COMMAND, "true"), "/tmp", Resources.defaults(),
                Map.of(), List.of(), List.of(), cp, Optional.empty(), retry, new SourceLocation("w.groovy", 1));
    }

    static Workflow workflow(Step... steps) {
        return new Workflow("t", "/tmp/w.groovy", "/tmp", Optional.empty(), List.of(steps), List.of());
    }

    /** Each submitted job goes through the observations scripted for its step, then ENDED with result COMPLETED. */
    static final class ScriptedExecutor implements StepExecutor {
        final List<StepLaunch> submissions = new ArrayList<>();
        final List<String> reattached = new ArrayList<>();
        final Map<String, Queue<BiFunction<JobHandle, StepControlDir, JobObservation>>> script = new HashMap<>();
        int maxInFlight;
        int ids = 100;

        void then(String step, BiFunction<JobHandle, StepControlDir, JobObservation> o) {
            script.computeIfAbsent(step, k -> new ArrayDeque<>()).add(o);
        }

        @Override public String name() { return "fake"; }
        @Override public void check() { }

        @Override
        public JobHandle submit(StepLaunch launch) {
            submissions.add(launch);
            String id = Integer.toString(ids++);
            try {
                launch.controlDir().create();
                launch.controlDir().writeJson(launch.controlDir().job(), new JobRecord(id, launch.jobName(), launch.attempt(),
                        Instant.now(), "fake", null, List.of(), List.of()));
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
            return new JobHandle(id, launch.jobName(), launch.attempt(), launch.step().name());
        }

        @Override
        public JobHandle reattach(StepLaunch launch, JobRecord record) {
            reattached.add(record.jobId());
            return new JobHandle(record.jobId(), record.jobName(), record.attempt(), launch.step().name());
        }

        @Override
        public Map<JobHandle, JobObservation> observe(Map<JobHandle, StepControlDir> jobs) {
            maxInFlight = Math.max(maxInFlight, jobs.size());
            Map<JobHandle, JobObservation> out = new LinkedHashMap<>();
            for (var e : jobs.entrySet()) {
                var q = script.get(e.getKey().stepName());
                var f = q == null || q.isEmpty() ? null : q.poll();
                out.put(e.getKey(), f != null ? f.apply(e.getKey(), e.getValue()) : complete(e.getValue(), 0));
            }
            return out;
        }

        @Override public void cancel(JobHandle job) { }
    }

    static JobObservation complete(StepControlDir ctl, int exit) {
        write(ctl.result(), "{\"outcome\": \"" + (exit == 0 ? "COMPLETED" : "FAILED") + "\", \"exitCode\": " + exit
                + ", \"attempts\": 1, \"restarts\": 0, \"retries\": 0}");
        return JobObservation.of(JobStatus.ENDED, "done");
    }

    static void write(Path p, String s) {
        try {
            Files.writeString(p, s);
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    int run(Workflow wf, ScriptedExecutor exec, int maxParallel) throws InterruptedException {
        RunDirectory dir = new RunDirectory(work).create();
        RunInfo info = dir.info().orElseGet(() -> {
            RunInfo i = new RunInfo("abcdef123456", "/tmp/w.groovy", "t", null, "fake", Instant.now());
            dir.writeInfo(i);
            return i;
        });
        dir.writeWorkflow(wf);
        return new Runner(wf, dir, info, exec, new RunOptions(Duration.ZERO, maxParallel), Progress.NONE, Clock.systemUTC(), d -> { }).run();
    }

    @Test
    void dagOrderAndBoundedParallelism() throws Exception {
        Workflow wf = workflow(step("a", 0, 5), step("b", 0, 5, "a"), step("c", 0, 5, "a"), step("d", 0, 5, "b", "c"),
                step("e", 0, 5));
        ScriptedExecutor exec = new ScriptedExecutor();
        exec.then("a", (h, c) -> JobObservation.of(JobStatus.RUNNING, "r"));
        assertEquals(0, run(wf, exec, 2));
        List<String> order = exec.submissions.stream().map(l -> l.step().name()).toList();
        assertEquals(List.of("a", "e", "b", "c", "d"), order);
        assertTrue(exec.maxInFlight <= 2, "at most 2 jobs at once, saw " + exec.maxInFlight);
        assertTrue(exec.submissions.stream().allMatch(l -> l.jobName().equals("crflow-abcdef12-" + l.step().name())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve(".crflow/steps/a"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve(".crflow/steps/a/driver.json"))));
    }

    @Test
    void aRestartedDriverReattachesInsteadOfResubmitting() throws Exception {
        Workflow wf = workflow(step("a", 0, 5));
        ScriptedExecutor first = new ScriptedExecutor();
        first.then("a", (h, c) -> { throw new IllegalStateException("driver killed"); });
        try {
            run(wf, first, 4);
        } catch (IllegalStateException expected) {
            // the driver died mid-run
        }
        assertEquals(1, first.submissions.size());
        ScriptedExecutor second = new ScriptedExecutor();
        assertEquals(0, run(wf, second, 4));
        assertEquals(List.of("100"), second.reattached);
        assertEquals(0, second.submissions.size(), "never submitted twice");
    }

    @Test
    void aLostJobResumesOnANewAttemptAwayFromItsNodeUntilMaxRestarts() throws Exception {
        Workflow wf = workflow(step("a", 0, 2));
        ScriptedExecutor exec = new ScriptedExecutor();
        for (int i = 0; i < 3; i++) exec.then("a", (h, c) -> JobObservation.lost("node-fail", "NODE_FAIL", List.of("node1")));
        assertEquals(1, run(wf, exec, 4));
        assertEquals(3, exec.submissions.size(), "first job + 2 restarts");
        assertEquals(List.of("node1"), exec.submissions.get(1).excludeNodes());
        assertEquals(3, exec.submissions.get(2).attempt());
        RunDirectory dir = new RunDirectory(work);
        assertEquals(StepState.FAILED, dir.driverState("a").state());
        assertTrue(dir.driverState("a").message().contains("maxRestarts"), dir.driverState("a").message());
        long lost = dir.step("a").readJournal().stream().filter(e -> e.event().equals("attempt-lost")).count();
        assertEquals(3, lost);
    }

    @Test
    void failedStepsAreRetriedWithinRetry() throws Exception {
        Workflow wf = workflow(step("a", 1, 5), step("b", 0, 5, "a"));
        ScriptedExecutor exec = new ScriptedExecutor();
        exec.then("a", (h, c) -> complete(c, 3));
        exec.then("a", (h, c) -> complete(c, 3));
        assertEquals(1, run(wf, exec, 4));
        assertEquals(2, exec.submissions.size(), "first try + 1 retry; b never starts");
        RunDirectory dir = new RunDirectory(work);
        assertEquals(StepState.FAILED, dir.driverState("a").state());
        assertEquals(3, dir.driverState("a").exitCode());
        assertEquals(StepState.PENDING, dir.driverState("b").state());
        assertTrue(Files.exists(dir.step("a").result().resolveSibling("result.json.1")), "first verdict archived");
    }

    @Test
    void unknownIsNotDead() throws Exception {
        Workflow wf = workflow(step("a", 0, 0));
        ScriptedExecutor exec = new ScriptedExecutor();
        for (int i = 0; i < 5; i++) exec.then("a", (h, c) -> JobObservation.of(JobStatus.UNKNOWN, "squeue failed"));
        assertEquals(0, run(wf, exec, 4));
        assertEquals(1, exec.submissions.size());
    }

    @Test
    void planning100kStepsIsLinear() {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) steps.add(i == 0 ? step("s0", 0, 1) : step("s" + i, 0, 1, "s" + (i - 1) / 2));
        Dag dag = Dag.plan(steps);
        assertEquals(100_000, dag.size());
        assertEquals("s0", dag.order().get(0).name());
    }
}
