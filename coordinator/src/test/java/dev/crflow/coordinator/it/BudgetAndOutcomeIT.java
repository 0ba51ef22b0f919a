package dev.crflow.coordinator.it;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.engine.Engines;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import dev.crflow.coordinator.proc.SystemProcessLauncher;
import dev.crflow.coordinator.run.Coordinator;
import dev.crflow.coordinator.slurm.SlurmRequeuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Budgets, final states and the Slurm requeue path, with real applications. */
class BudgetAndOutcomeIT {
    @TempDir Path tmp;
    Harness h;

    @AfterEach
    void cleanup() { if (h != null) h.kill(); }

    @Test
    void maxRestartsUsedUpEndsTheStepWithBudgetExhaustedInsteadOfRequeueing() throws Exception {
        h = new Harness(tmp);
        h.policy.put("maxRestarts", 1);
        h.command("python3 count_signal.py 400 0.05");
        for (int i = 0; i < 2; i++) {
            Process p = h.start();
            h.waitForLines(h.lines() + 3);
            h.signal(p, "USR1");
            assertEquals(i == 0 ? 75 : 98, h.await(p, Duration.ofSeconds(60)), h.log());
        }
        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.BUDGET_EXHAUSTED, r.outcome());
        assertEquals(98, r.exitCode());
        assertTrue(r.message().contains("maxRestarts"), r.message());
        assertEquals(2, h.events(JournalEvent.CHECKPOINT).size(), "the last checkpoint is still committed: nothing lost");
        assertEquals("budget-exhausted", h.events(JournalEvent.ATTEMPT_END).get(1).reason().orElse(""));
        assertEquals(98, h.await(h.start(), Duration.ofSeconds(30)), "a finished step stays finished");
    }

    @Test
    void totalTimeIsChargedWithComputeUsedAndEndsTheStepWhenSpent() throws Exception {
        h = new Harness(tmp);
        h.policy.put("totalTime", "PT2S");
        h.command("python3 count_signal.py 400 0.05");
        Process p = h.start();
        Thread.sleep(2500);
        h.waitForLines(3);
        h.signal(p, "USR1");
        assertEquals(98, h.await(p, Duration.ofSeconds(60)), h.log());
        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.BUDGET_EXHAUSTED, r.outcome());
        assertTrue(r.message().contains("totalTime"), r.message());
        assertTrue(h.events(JournalEvent.ATTEMPT_END).get(0).computeSeconds().orElseThrow() >= 2.0);
    }

    @Test
    void theApplicationsExitCodeBecomesTheSteps() throws Exception {
        h = new Harness(tmp);
        h.spec.put("command", Map.of("kind", "SCRIPT", "text", "#!/bin/bash\necho \"$FOO\" > foo.txt\nexit 3\n"));
        h.spec.put("env", Map.of("FOO", "bar baz"));
        assertEquals(3, h.await(h.start(), Duration.ofSeconds(30)), h.log());
        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(3, r.exitCode());
        assertEquals("bar baz\n", Files.readString(h.workdir.resolve("foo.txt")));
    }

    @Test
    void engineNoneIsRequeuedAndRelaunchedFromScratch() throws Exception {
        h = new Harness(tmp);
        h.policy.put("engine", "NONE");
        h.command("python3 count_signal.py 20 0.05; rm -f state");
        Process p = h.start();
        h.waitForLines(3);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(30)), h.log());
        Files.deleteIfExists(h.workdir.resolve("state")); // a 'none' application keeps nothing
        assertEquals(0, h.await(h.start(), Duration.ofSeconds(30)), h.log());
        assertEquals(1, h.numbers().get(h.numbers().size() - 20), "the second attempt counted from 1 again");
        assertTrue(h.events(JournalEvent.CHECKPOINT).isEmpty());
        assertEquals(1, ControlDir.of(h.ctl).readResult().orElseThrow().restarts());
    }

    @Test
    void slurmModeRequeuesLowersTheTimeLimitToTheRemainingBudgetAndReleasesTheHold() throws Exception {
        h = new Harness(tmp);
        h.policy.put("totalTime", "PT10M");
        h.command("python3 count_signal.py 400 0.05");
        h.writeSpec();
        List<List<String>> calls = new CopyOnWriteArrayList<>();
        AtomicInteger n = new AtomicInteger();
        SystemProcessLauncher launcher = new SystemProcessLauncher();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Coordinator c = new Coordinator(
                new Coordinator.Config(h.ctl, false, "4242", 0, "testhost", Duration.ofSeconds(20), Optional.empty()),
                Clock.systemUTC(), launcher,
                new SlurmRequeuer(args -> {
                    calls.add(args);
                    n.incrementAndGet();
                    return new CommandResult(0, "", "", false);
                }, m -> {}, 3, Duration.ZERO),
                spec -> Engines.forSpec(spec, launcher, System.getenv()), new PrintStream(log, true));
        int[] rc = {-1};
        Thread t = new Thread(() -> rc[0] = c.run(), "coordinator-under-test");
        t.start();
        h.waitForLines(3);
        c.onSignal("USR1");
        t.join(60_000);
        assertEquals(75, rc[0], log.toString());
        assertEquals(List.of("requeue", "4242"), calls.get(0));
        assertEquals(List.of("update", "JobId=4242", "TimeLimit=10"), calls.get(1), "the remaining budget (just under 10 min) is shorter than the 10 min limit: lowered, rounded up to whole minutes");
        assertTrue(calls.get(2).get(2).startsWith("Comment=crflow-budget-remaining="), calls.toString());
        assertEquals(List.of("update", "JobId=4242", "StartTime=now"), calls.get(3));
        JournalEvent rq = h.events(JournalEvent.REQUEUE).get(0);
        assertTrue(rq.ok().orElseThrow());
        assertTrue(rq.longValue("remainingBudgetSeconds").orElseThrow() <= 600);
        assertEquals("4242", h.events(JournalEvent.ATTEMPT_START).get(0).jobId().orElseThrow());
    }
}
