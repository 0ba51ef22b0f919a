package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.RequeueKind;
import dev.crflow.coordinator.journal.Trigger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run loop on a fake engine (no processes), a fake requeuer and a clock that moves one second per reading. */
@org.junit.jupiter.api.Timeout(120)
class CoordinatorTest extends CoordinatorFixture {

    @Test
    void anApplicationThatReturnsZeroCompletesTheStep() throws Exception {
        FakeEngine engine = new FakeEngine(ctl);
        engine.exitAtStart = Optional.of(0);
        assertEquals(0, run(engine, Optional.empty(), c -> { }));
        assertEquals(List.of("launch"), engine.calls);
        assertEquals(new Result(Outcome.COMPLETED, 0, 1, 0, 0, "completed"), result());
        Event.AttemptStart start = assertInstanceOf(Event.AttemptStart.class, events().get(0));
        assertEquals(List.of(1, "job-1", Optional.empty(), "fake"), List.of(start.attempt(), start.jobId(), start.fromGeneration(), start.engine()));
        Event.AttemptEnd end = assertInstanceOf(Event.AttemptEnd.class, events().get(1));
        assertEquals(EndReason.COMPLETED, end.reason());
        assertEquals(Optional.of(0), end.exitCode());
        assertTrue(end.computeSeconds() >= 1, "charged by the clock: " + end.computeSeconds());
        assertEquals(Phase.COMPLETED, ControlDir.of(ctl).readStatus().orElseThrow().phase());
    }

    @Test
    void theWarningSignalCheckpointsAndRequeuesAndTheNextAttemptRestoresThatGeneration() throws Exception {
        policy.put("totalTime", "PT1H");
        FakeEngine first = new FakeEngine(ctl);
        assertEquals(ExitCodes.REQUEUED, run(first, Optional.empty(), c -> c.onSignal("SIGUSR1")));
        assertEquals(List.of("launch", "checkpoint stop"), first.calls);
        List<Event> events = events();
        Event.Checkpoint ck = assertInstanceOf(Event.Checkpoint.class, events.get(1));
        assertEquals(List.of(true, Trigger.SIGNAL, Optional.of(1)), List.of(ck.ok(), ck.trigger(), ck.generation()));
        Event.Requeue rq = assertInstanceOf(Event.Requeue.class, events.get(2));
        assertEquals(RequeueKind.RESTART, rq.requeueKind());
        assertEquals(rq.remainingBudgetSeconds().map(Duration::ofSeconds), requeues.get(0).remainingBudget());
        assertTrue(rq.remainingBudgetSeconds().orElseThrow() < 3600);
        Event.AttemptEnd end = assertInstanceOf(Event.AttemptEnd.class, events.get(3));
        assertEquals(List.of(EndReason.WALLTIME, true, Optional.of(1)), List.of(end.reason(), end.requeued(), end.generation()));

        FakeEngine second = new FakeEngine(ctl);
        second.exitAtStart = Optional.of(0);
        assertEquals(0, run(second, Optional.empty(), c -> { }));
        assertEquals(List.of("restart 1"), second.calls);
        Event.Restore restore = assertInstanceOf(Event.Restore.class, events().get(5));
        assertEquals(new Event.Restore(2, 1, true, Optional.empty(), "restarted from generation 1"), restore);
        assertEquals(new Result(Outcome.COMPLETED, 0, 2, 1, 0, "completed"), result());
    }

    @Test
    void aRestartBeyondMaxRestartsEndsTheStepWithItsLastCheckpointCommitted() throws Exception {
        policy.put("maxRestarts", 0);
        FakeEngine engine = new FakeEngine(ctl);
        assertEquals(ExitCodes.BUDGET_EXHAUSTED, run(engine, Optional.empty(), c -> c.onSignal("USR1")));
        assertEquals(List.of("launch", "checkpoint stop"), engine.calls);
        assertEquals(Outcome.BUDGET_EXHAUSTED, result().outcome());
        assertEquals("maxRestarts 0 reached", result().message());
        assertTrue(requeues.isEmpty());
    }

    @Test
    void aFailureIsRetriedFromTheLastGenerationUntilRetryIsUsedUp() throws Exception {
        retry = 1;
        FakeEngine first = new FakeEngine(ctl);
        first.exitAtStart = Optional.of(3);
        assertEquals(ExitCodes.REQUEUED, run(first, Optional.empty(), c -> { }));
        FakeEngine second = new FakeEngine(ctl);
        second.exitAtStart = Optional.of(3);
        assertEquals(3, run(second, Optional.empty(), c -> { }));
        assertEquals(new Result(Outcome.FAILED, 3, 2, 0, 1, "the application exited with 3 (retries used up: 1)"), result());
        assertEquals(RequeueKind.RETRY, assertInstanceOf(Event.Requeue.class, events().get(1)).requeueKind());
    }

    @Test
    void aRequestedGenerationThatDoesNotExistIsRefusedNotStartedOver() throws Exception {
        FakeEngine engine = new FakeEngine(ctl);
        assertEquals(ExitCodes.ENGINE_ERROR, run(engine, Optional.of(4), c -> { }));
        assertEquals(List.of(), engine.calls);
        assertEquals(new Event.Restore(1, 4, false, Optional.empty(), "requested generation 4 does not exist"), events().get(0));
        assertInstanceOf(Event.AttemptStart.class, events().get(1));
        assertEquals(Outcome.ENGINE_ERROR, result().outcome());
    }

    @Test
    void aFailingRestartFallsBackToTheGenerationBeforeAndSaysSo() throws Exception {
        FakeEngine first = new FakeEngine(ctl);
        policy.put("interval", "PT0.001S");
        // two periodic checkpoints, then the warning signal's: three generations, keep 2 leaves 2 and 3
        assertEquals(ExitCodes.REQUEUED, run(first, Optional.empty(), c -> new Thread(() -> {
            while (generations() < 2) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            c.onSignal("USR1");
        }).start()));
        FakeEngine second = new FakeEngine(ctl);
        second.unrestorable.add(last());
        second.exitAtStart = Optional.of(0);
        assertEquals(0, run(second, Optional.empty(), c -> { }));
        int newest = last();
        assertEquals(List.of("restart " + newest, "restart " + (newest - 1)), second.calls);
        List<Event.Restore> restores = events().stream().filter(e -> e instanceof Event.Restore).map(e -> (Event.Restore) e).toList();
        assertEquals(new Event.Restore(2, newest, false, Optional.empty(), "restart failed: cannot restore"), restores.get(0));
        assertEquals(new Event.Restore(2, newest - 1, true, Optional.of(newest), "restarted from generation " + (newest - 1)
                + ", falling back from generation " + newest), restores.get(1));
    }

    /** Generations listed now; a directory renamed away mid-listing (pruning) counts as none this time. */
    int generations() {
        try {
            return store().list().size();
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    dev.crflow.coordinator.store.ImageStore store() { return dev.crflow.coordinator.store.ImageStore.open(ctl); }

    int last() {
        try {
            return store().list().get(store().list().size() - 1).number();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    /** DMTCP with state files resumes the application under new processes: a later attempt must end those, not the old ones. */
    @Test
    void whenACheckpointMovesTheApplicationToNewProcessesAppProcessJsonFollows() throws Exception {
        policy.put("interval", "PT2S");
        FakeEngine engine = new FakeEngine(ctl);
        engine.moveOnCheckpoint = Optional.of(424242);
        engine.completeAtCheckpoint = 2;
        assertEquals(0, run(engine, Optional.empty(), c -> { }));
        assertTrue(engine.appProcessSeen.get(0).contains("\"pgid\":" + (Integer.MAX_VALUE - 1)), engine.appProcessSeen.toString());
        assertTrue(engine.appProcessSeen.get(1).contains("\"pgid\":424242"), engine.appProcessSeen.toString());
    }
}
