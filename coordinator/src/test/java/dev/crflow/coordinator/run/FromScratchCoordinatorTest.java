package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.store.ImageStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fromScratch}: (a) generations exist and none verifies, (b) the warning's stop checkpoint failed with no earlier
 * generation. 'refuse' (the default) ends the step as before; 'allow' starts over from scratch, said in the log and the
 * journal, and counted as lost work. Fake engine, fake requeuer, a clock that moves one second per reading.
 */
@org.junit.jupiter.api.Timeout(120)
class FromScratchCoordinatorTest extends CoordinatorFixture {
    static final String START_OVER = "fromScratch 'allow': starting over from the pre-launch state of the declared state files";

    FromScratchCoordinatorTest() {
        policy.put("state", List.of("state"));
    }


    <T extends Event> List<T> events(Class<T> type) throws Exception {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }


    /** Attempt 1: the warning's checkpoint commits generation 1 and requeues; then a byte of it flips. */
    void onlyGenerationCorrupted() throws Exception {
        assertEquals(ExitCodes.REQUEUED, run(new FakeEngine(ctl), Optional.empty(), c -> c.onSignal("USR1")));
        Path state = ImageStore.open(ctl).list().get(0).path().resolve("state");
        byte[] b = Files.readAllBytes(state);
        b[0] ^= (byte) 0xFF;
        Files.write(state, b);
    }

    @Test
    void refuseTheOnlyGenerationCorruptedEndsTheStepAsBefore() throws Exception {
        onlyGenerationCorrupted();
        FakeEngine second = new FakeEngine(ctl);
        assertEquals(ExitCodes.ENGINE_ERROR, run(second, Optional.empty(), c -> { }));
        assertEquals(List.of(), second.calls, "nothing launched");
        assertEquals(Outcome.ENGINE_ERROR, result().outcome());
        assertTrue(result().message().contains("refusing to start from scratch over checkpointed work"), result().message());
        assertFalse(log.toString().contains(START_OVER));
        assertTrue(events(Event.AttemptStart.class).stream().allMatch(s -> s.fromScratch().isEmpty()));
    }

    @Test
    void allowTheOnlyGenerationCorruptedStartsOverLoudlyAndCountsTheWorkAsLost() throws Exception {
        policy.put("fromScratch", "allow");
        onlyGenerationCorrupted();
        FakeEngine second = new FakeEngine(ctl);
        second.exitAtStart = Optional.of(0);
        assertEquals(0, run(second, Optional.empty(), c -> { }));
        assertEquals(List.of("launch"), second.calls, "launched from scratch (the engine's baseline of the state files)");
        assertEquals(new Result(Outcome.COMPLETED, 0, 2, 1, 0, "completed"), result());

        Event.Restore rejected = events(Event.Restore.class).get(0);
        assertEquals(List.of(2, 1, false), List.of(rejected.attempt(), rejected.generation(), rejected.ok()));
        Event.AttemptStart start = events(Event.AttemptStart.class).get(1);
        assertEquals(Optional.empty(), start.fromGeneration());
        String why = start.fromScratch().orElseThrow();
        assertTrue(why.startsWith("no generation verifies (generation 1: ") && why.endsWith(START_OVER), why);
        assertTrue(log.toString().contains("crflow-coordinator: " + why), log.toString());

        WorkAccount.Interruption walltime = WorkAccount.of(Journal.read(ctl)).interruptions().get(0);
        assertEquals(Optional.empty(), walltime.restoredFrom(), "the next attempt restored nothing");
        assertEquals(0.0, walltime.savedSeconds());
        assertTrue(walltime.lostSeconds() > 0, "generation 1's progress is done again: " + walltime);
    }

    @Test
    void allowNeverStartsOverARequestedGeneration() throws Exception {
        policy.put("fromScratch", "allow");
        onlyGenerationCorrupted();
        FakeEngine second = new FakeEngine(ctl);
        assertEquals(ExitCodes.ENGINE_ERROR, run(second, Optional.of(1), c -> { }));
        assertEquals(List.of(), second.calls);
        assertEquals(Outcome.ENGINE_ERROR, result().outcome());
        String why = events(Event.Restore.class).get(0).message();
        assertTrue(why.startsWith("requested generation 1 fails verification"), why);
        assertFalse(log.toString().contains(START_OVER));
    }

    @Test
    void refuseAFailedFirstStopCheckpointEndsTheStepAsBefore() throws Exception {
        FakeEngine engine = new FakeEngine(ctl);
        engine.failCheckpoint = Optional.of("no space left on device");
        assertEquals(ExitCodes.ENGINE_ERROR, run(engine, Optional.empty(), c -> c.onSignal("USR1")));
        assertEquals(List.of("launch", "checkpoint stop"), engine.calls);
        assertTrue(requeues.isEmpty());
        assertEquals(Outcome.ENGINE_ERROR, result().outcome());
        assertTrue(result().message().contains("there is no earlier generation"), result().message());
        assertEquals(Optional.empty(), events(Event.AttemptEnd.class).get(0).message());
    }

    @Test
    void allowAFailedFirstStopCheckpointRequeuesToStartOverLoudlyAndTheWorkIsLost() throws Exception {
        policy.put("fromScratch", "allow");
        FakeEngine engine = new FakeEngine(ctl);
        engine.failCheckpoint = Optional.of("no space left on device");
        assertEquals(ExitCodes.REQUEUED, run(engine, Optional.empty(), c -> c.onSignal("USR1")));
        assertEquals(List.of("launch", "checkpoint stop"), engine.calls);
        assertEquals(1, requeues.size(), "requeued as any stop would");
        assertTrue(ControlDir.of(ctl).readResult().isEmpty(), "the step has not ended");
        Event.AttemptEnd end = events(Event.AttemptEnd.class).get(0);
        assertEquals(List.of(EndReason.WALLTIME, true, Optional.empty()), List.of(end.reason(), end.requeued(), end.generation()));
        String why = end.message().orElseThrow();
        assertTrue(why.contains("signal: no space left on device") && why.contains(START_OVER), why);
        assertTrue(log.toString().contains(why), log.toString());

        FakeEngine second = new FakeEngine(ctl);
        second.exitAtStart = Optional.of(0);
        assertEquals(0, run(second, Optional.empty(), c -> { }));
        assertEquals(List.of("launch"), second.calls);
        assertEquals(new Result(Outcome.COMPLETED, 0, 2, 1, 0, "completed"), result());
        WorkAccount.Interruption walltime = WorkAccount.of(Journal.read(ctl)).interruptions().get(0);
        assertEquals(Optional.empty(), walltime.restoredFrom());
        assertTrue(walltime.lostSeconds() > 0 && !walltime.stopCheckpoint(), walltime.toString());
    }
}
