package dev.crflow.coordinator.it;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fromScratch} with the real coordinator jar, the signal engine and the count program, whose whole state is
 * its declared files ({@code state} and {@code out.txt}): when a fault leaves no usable generation, 'allow' starts
 * over from their pre-launch state and the count is still exactly 1..N once each; 'refuse' (the default) ends the step
 * as before. (The case 'refuse' exists for, work in files crflow was not told about, stays in SignalEngineIT.)
 */
class FromScratchIT {
    static final String START_OVER = "fromScratch 'allow': starting over from the pre-launch state of the declared state files";

    @TempDir Path tmp;
    Harness h;

    @AfterEach
    void cleanup() throws Exception {
        if (h != null) h.kill();
    }

    Harness countWholeStateDeclared(String fromScratch) throws Exception {
        h = new Harness(tmp);
        h.policy.put("state", List.of("state", "out.txt"));
        h.policy.put("fromScratch", fromScratch);
        return h;
    }

    /** The warning after 5 numbers commits generation 1, the only one; then one byte of its saved state flips. */
    void flipAByteInTheOnlyGeneration() throws Exception {
        Process p = h.start();
        h.waitForLines(5);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(60)), h.log());
        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(List.of(1), gens.stream().map(Generation::number).toList());
        Path state = gens.get(0).path().resolve("state/state");
        byte[] b = Files.readAllBytes(state);
        b[0] ^= 0x01;
        Files.write(state, b, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Test
    void allowTheOnlyGenerationCorruptedTheStepStartsOverAndCountsEachNumberOnce() throws Exception {
        countWholeStateDeclared("allow");
        flipAByteInTheOnlyGeneration();
        assertEquals(0, h.runToEnd(Duration.ofSeconds(60)), h.log());

        assertEquals(IntStream.rangeClosed(1, 40).boxed().toList(), h.numbers(), "each number exactly once, in order");
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
        JournalEvent rejected = h.events(JournalEvent.RESTORE).get(0);
        assertEquals(List.of(1, false), List.of(rejected.generation().orElseThrow(), rejected.ok().orElseThrow()));
        JournalEvent start2 = h.events(JournalEvent.ATTEMPT_START).get(1);
        assertTrue(start2.integer("fromGeneration").isEmpty(), start2.raw().toString());
        String why = String.valueOf(start2.raw().get("fromScratch"));
        assertTrue(why.startsWith("no generation verifies (generation 1: ") && why.endsWith(START_OVER), why);
        assertTrue(h.log().contains(why), h.log());
    }

    @Test
    void refuseTheOnlyGenerationCorruptedTheStepEndsAsBefore() throws Exception {
        countWholeStateDeclared("refuse");
        flipAByteInTheOnlyGeneration();
        int counted = h.lines();
        assertEquals(99, h.runToEnd(Duration.ofSeconds(60)), h.log());

        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.ENGINE_ERROR, r.outcome());
        assertTrue(r.message().contains("refusing to start from scratch over checkpointed work"), r.message());
        assertEquals(IntStream.rangeClosed(1, counted).boxed().toList(), h.numbers(), "nothing counted again");
        assertFalse(h.log().contains(START_OVER), h.log());
    }

    /** The first stop checkpoint fails on a full filesystem: 'allow' requeues to start over, the count stays exact. */
    @Test
    void allowAFullDiskPreventsTheFirstStopCheckpointTheStepRequeuesAndStartsOver() throws Exception {
        countWholeStateDeclared("allow");
        h.smallImagesFilesystem();
        // declared, present before the first launch (so part of the baseline), and larger than the image filesystem
        Files.write(h.workdir.resolve("big"), new byte[512 * 1024]);
        h.policy.put("state", List.of("state", "out.txt", "big"));

        Process p = h.start();
        h.waitForLines(5);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(60)), "requeued as a normal stop\n" + h.log());
        JournalEvent failed = h.events(JournalEvent.CHECKPOINT).get(0);
        assertFalse(failed.ok().orElse(true));
        JournalEvent end1 = h.events(JournalEvent.ATTEMPT_END).get(0);
        String why = String.valueOf(end1.raw().get("message"));
        assertTrue(why.contains("there is no earlier generation") && why.endsWith(START_OVER + " in the next attempt"), why);
        assertTrue(h.log().contains(why), h.log());

        assertEquals(0, h.runToEnd(Duration.ofSeconds(60)), h.log());
        assertEquals(IntStream.rangeClosed(1, 40).boxed().toList(), h.numbers(), "each number exactly once, in order");
        assertTrue(h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").isEmpty());
    }
}
