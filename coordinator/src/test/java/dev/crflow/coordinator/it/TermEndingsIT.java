package dev.crflow.coordinator.it;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.engine.Engines;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.SystemProcessLauncher;
import dev.crflow.coordinator.run.Coordinator;
import dev.crflow.coordinator.slurm.JobEnding;
import dev.crflow.coordinator.slurm.JobEndingClassifier;
import dev.crflow.coordinator.slurm.Requeuer;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM with a real application and the coordinator in-process; what Slurm says about the job's end comes from a
 * stub of the classifier (the classifier itself: JobEndingClassifierTest; real scancel and preemption: the examples'
 * ScancelIT and PreemptionIT).
 */
class TermEndingsIT {
    @TempDir Path tmp;
    Harness h;
    final List<Requeuer.Plan> requeues = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void cleanup() { if (h != null) h.kill(); }

    Coordinator coordinator(JobEnding ending) throws Exception {
        return coordinator(ending, Duration.ofSeconds(20));
    }

    Coordinator coordinator(JobEnding ending, Duration termGrace) throws Exception {
        return coordinator(() -> ending, termGrace);
    }

    /** Slurm's answer at SIGTERM is {@code first}; asked again right before the requeue, it is {@code before}. */
    static JobEndingClassifier.Endings changing(JobEnding first, JobEnding before) {
        return new JobEndingClassifier.Endings() {
            @Override public JobEnding classify() { return first; }
            @Override public JobEnding recheck() { return before; }
        };
    }

    Coordinator coordinator(JobEndingClassifier.Endings endings, Duration termGrace) throws Exception {
        if (h == null) {
            h = new Harness(tmp);
            h.command("python3 count_signal.py 4000 0.05");
        }
        h.writeSpec();
        SystemProcessLauncher launcher = new SystemProcessLauncher();
        return new Coordinator(new Coordinator.Config(h.ctl, false, "4243", 0, "testhost", termGrace, Optional.empty()),
                Clock.systemUTC(), launcher, plan -> {
                    requeues.add(plan);
                    return new Requeuer.Outcome(true, "requeued (test)");
                }, spec -> Engines.forSpec(spec, launcher, System.getenv()), new PrintStream(log, true), endings);
    }

    int runUntil(Coordinator c, Runnable whileRunning) throws Exception {
        int[] rc = {-1};
        Thread t = new Thread(() -> rc[0] = c.run(), "coordinator-under-test");
        t.start();
        h.waitForLines(3);
        whileRunning.run();
        t.join(60_000);
        assertFalse(t.isAlive(), log.toString());
        return rc[0];
    }

    /** Slurm's SIGTERM reaches every process of the job: here the application gets it before the coordinator. */
    void killAppWithTerm() {
        try {
            long pid = Long.parseLong(Files.readString(h.workdir.resolve("pid")).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // SIGTERM
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Result result() throws Exception { return ControlDir.of(h.ctl).readResult().orElseThrow(); }

    @Test
    void aCancelTakesALastCheckpointAndEndsTheStepWithoutRequeue() throws Exception {
        Coordinator c = coordinator(JobEnding.CANCELLED);
        int rc = runUntil(c, () -> c.onSignal("TERM"));
        assertEquals(77, rc, log.toString());
        assertEquals(Outcome.CANCELLED, result().outcome());
        assertTrue(requeues.isEmpty(), "a cancelled step is not requeued");
        JournalEvent ck = h.events(JournalEvent.CHECKPOINT).get(0);
        assertEquals("cancel", ck.trigger().orElse(""));
        assertTrue(ck.ok().orElse(false), log.toString());
        assertEquals("cancelled", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
        assertTrue(Files.readString(h.ctl.resolve("status.json")).contains("CANCELLED"));
    }

    @Test
    void onCancelStopSkipsTheCheckpoint() throws Exception {
        Coordinator c = coordinator(JobEnding.CANCELLED);
        h.policy.put("onCancel", "stop");
        h.writeSpec();
        assertEquals(77, runUntil(c, () -> c.onSignal("TERM")), log.toString());
        assertEquals(Outcome.CANCELLED, result().outcome());
        assertTrue(h.events(JournalEvent.CHECKPOINT).isEmpty(), h.journal().toString());
    }

    @Test
    void anApplicationKilledByTheCancelsSigtermIsCancelledNotFailed() throws Exception {
        Coordinator c = coordinator(JobEnding.CANCELLED);
        int rc = runUntil(c, () -> {
            killAppWithTerm();
            c.onSignal("TERM");
        });
        assertEquals(77, rc, log.toString());
        assertEquals(Outcome.CANCELLED, result().outcome(), log.toString());
        assertTrue(requeues.isEmpty());
    }

    @Test
    void anApplicationKilledByAPreemptionsSigtermIsRequeuedNotFailed() throws Exception {
        Coordinator c = coordinator(JobEnding.PREEMPTED);
        int rc = runUntil(c, () -> {
            killAppWithTerm();
            c.onSignal("TERM");
        });
        assertEquals(75, rc, log.toString());
        assertEquals(1, requeues.size());
        assertFalse(Files.exists(h.ctl.resolve("result.json")), "a requeued step has no result yet");
        assertEquals("preempted", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
    }

    @Test
    void aPreemptionStillCheckpointsAndRequeues() throws Exception {
        Coordinator c = coordinator(JobEnding.PREEMPTED);
        assertEquals(75, runUntil(c, () -> c.onSignal("TERM")), log.toString());
        assertEquals(1, requeues.size());
        assertEquals("term", h.events(JournalEvent.CHECKPOINT).get(0).trigger().orElse(""));
    }

    /**
     * Issue 15 item 2: the user's scancel comes while the coordinator checkpoints for a preemption (or in the same second
     * Slurm selected the job, so SIGTERM looked like the preemption): asked again before the requeue, Slurm says
     * cancelled; the step ends CANCELLED, not requeued, and the checkpoint just taken is its last good generation.
     */
    @Test
    void aCancelThatShowsBeforeThePreemptionsRequeueEndsTheStepCancelled() throws Exception {
        Coordinator c = coordinator(changing(JobEnding.PREEMPTED, JobEnding.CANCELLED), Duration.ofSeconds(20));
        assertEquals(77, runUntil(c, () -> c.onSignal("TERM")), log.toString());
        assertEquals(Outcome.CANCELLED, result().outcome());
        assertTrue(requeues.isEmpty(), "a cancelled step is not requeued: " + log);
        JournalEvent ck = h.events(JournalEvent.CHECKPOINT).get(0);
        assertEquals("term", ck.trigger().orElse(""));
        assertTrue(ck.ok().orElse(false), log.toString());
        JournalEvent end = h.events(JournalEvent.ATTEMPT_END).get(0);
        assertEquals("cancelled", end.reason().orElse(""));
        assertEquals(ck.generation().orElseThrow(), end.generation().orElseThrow(), "the checkpoint just taken is the last good one");
        assertTrue(h.events(JournalEvent.REQUEUE).isEmpty(), h.journal().toString());
    }

    /** The same during the warning signal's checkpoint (walltime, or a site's send_user_signal preemption). */
    @Test
    void aCancelDuringTheWarningsCheckpointEndsTheStepCancelled() throws Exception {
        Coordinator c = coordinator(changing(JobEnding.UNKNOWN, JobEnding.CANCELLED), Duration.ofSeconds(20));
        assertEquals(77, runUntil(c, () -> c.onSignal("USR1")), log.toString());
        assertEquals(Outcome.CANCELLED, result().outcome());
        assertTrue(requeues.isEmpty(), log.toString());
        assertEquals("signal", h.events(JournalEvent.CHECKPOINT).get(0).trigger().orElse(""));
        assertEquals("cancelled", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
    }

    /** Without a cancel the recheck changes nothing: a preemption asked twice is still requeued. */
    @Test
    void aPreemptionStillPreemptedWhenAskedAgainIsRequeued() throws Exception {
        Coordinator c = coordinator(changing(JobEnding.PREEMPTED, JobEnding.UNKNOWN), Duration.ofSeconds(20));
        assertEquals(75, runUntil(c, () -> c.onSignal("TERM")), log.toString());
        assertEquals(1, requeues.size());
        assertEquals("preempted", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
    }

    @Test
    void aPreemptionCheckpointThatDoesNotFitTheGraceKeepsThePreviousGeneration() throws Exception {
        h = new Harness(tmp);
        // saves 'state' after every number (so a snapshot is consistent) and ignores the forwarded USR1: the stop
        // checkpoint waits for an exit that never comes within the 2 s grace
        h.command("trap '' USR1; exec python3 count_signal.py 4000 0.05");
        h.spec.put("env", java.util.Map.of("COUNT_SAVE_EVERY", "1", "COUNT_SIGNAL", "USR2"));
        Coordinator c = coordinator(JobEnding.PREEMPTED, Duration.ofSeconds(2));
        int rc = runUntil(c, () -> {
            try {
                ControlDir.of(h.ctl).requestCheckpoint(false); // generation 1, taken while running
                Harness.waitUntil("generation 1", Duration.ofSeconds(30), () -> {
                    try {
                        return h.events(JournalEvent.CHECKPOINT).stream().anyMatch(e -> e.ok().orElse(false));
                    } catch (Exception e) {
                        return false;
                    }
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            c.onSignal("TERM");
        });
        assertEquals(75, rc, log.toString());
        List<JournalEvent> cks = h.events(JournalEvent.CHECKPOINT);
        assertEquals(1, cks.get(0).generation().orElseThrow(), cks.toString());
        JournalEvent term = cks.get(cks.size() - 1);
        assertEquals("term", term.trigger().orElse(""));
        assertFalse(term.ok().orElse(true), "the checkpoint could not finish within the grace: " + cks);
        assertEquals(1, h.events(JournalEvent.ATTEMPT_END).get(0).generation().orElseThrow(), "the previous generation stays the last good one");
        assertEquals(1, requeues.size());
        assertTrue(dev.crflow.coordinator.store.ImageStore.open(h.ctl).list().stream().allMatch(g -> g.number() == 1),
                "no newer (partial) generation was committed");
    }

    @Test
    void anApplicationKilledWhileTheJobRunsOnIsAnOrdinaryFailure() throws Exception {
        Coordinator c = coordinator(JobEnding.UNKNOWN); // Slurm: still RUNNING, no SIGTERM for the coordinator
        int rc = runUntil(c, this::killAppWithTerm);
        assertEquals(143, rc, log.toString());
        assertEquals(Outcome.FAILED, result().outcome());
        assertTrue(requeues.isEmpty());
    }
}
