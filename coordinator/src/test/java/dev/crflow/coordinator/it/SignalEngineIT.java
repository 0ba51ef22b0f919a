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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signal engine end to end, in local mode, with the seeds' count program (python3). */
class SignalEngineIT {
    @TempDir Path tmp;
    Harness h;

    @AfterEach
    void cleanup() { if (h != null) h.kill(); }

    @Test
    void warningSignalCheckpointsRequeuesAndResumesCountingEachNumberExactlyOnce() throws Exception {
        h = new Harness(tmp);
        Process first = h.start();
        h.waitForLines(5);
        h.signal(first, "USR1");
        assertEquals(75, h.await(first, Duration.ofSeconds(60)), h.log());
        int afterFirst = h.lines();
        assertTrue(afterFirst >= 5 && afterFirst < 40, "interrupted mid-count: " + afterFirst);

        Process second = h.start();
        h.waitForLines(afterFirst + 5);
        h.signal(second, "USR1");
        assertEquals(75, h.await(second, Duration.ofSeconds(60)), h.log());

        assertEquals(0, h.await(h.start(), Duration.ofSeconds(60)), h.log());

        assertEquals(IntStream.rangeClosed(1, 40).boxed().toList(), h.numbers(), "each number exactly once, in order");
        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.COMPLETED, r.outcome());
        assertEquals(3, r.attempts());
        assertEquals(2, r.restarts());

        List<JournalEvent> ckpts = h.events(JournalEvent.CHECKPOINT);
        assertEquals(2, ckpts.size());
        assertTrue(ckpts.stream().allMatch(e -> e.ok().orElse(false) && e.trigger().orElse("").equals("signal")));
        List<JournalEvent> starts = h.events(JournalEvent.ATTEMPT_START);
        assertEquals(List.of(-1, 1, 2), starts.stream().map(e -> e.integer("fromGeneration").orElse(-1)).toList());
        List<JournalEvent> ends = h.events(JournalEvent.ATTEMPT_END);
        assertEquals(List.of("walltime", "walltime", "completed"), ends.stream().map(e -> e.reason().orElse("")).toList());
        assertTrue(ends.stream().allMatch(e -> e.computeSeconds().orElse(-1.0) > 0));

        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(List.of(1, 2), gens.stream().map(Generation::number).toList());
        for (Generation g : gens) {
            assertTrue(ImageStore.open(h.ctl).verify(g).ok());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g.path())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g.path().resolve("MANIFEST.json"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g.path().resolve("state/state"))));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(h.ctl.resolve("journal.jsonl"))));
        assertFalse(Files.exists(h.ctl.resolve("app-process.json")));
    }

    @Test
    void periodicSnapshotsKeepTheApplicationRunningAndPruneToKeep() throws Exception {
        h = new Harness(tmp);
        h.policy.put("interval", "PT1S");
        h.policy.put("keep", 2);
        h.command("COUNT_SAVE_EVERY=1 python3 count_signal.py 80 0.05");
        Process p = h.start();
        assertEquals(0, h.await(p, Duration.ofSeconds(60)), h.log());
        assertEquals(IntStream.rangeClosed(1, 80).boxed().toList(), h.numbers());
        List<JournalEvent> ckpts = h.events(JournalEvent.CHECKPOINT);
        assertTrue(ckpts.size() >= 2, "at least two periodic snapshots in ~4 s: " + ckpts.size());
        assertTrue(ckpts.stream().allMatch(e -> e.trigger().orElse("").equals("interval") && e.ok().orElse(false)));
        assertEquals(1, h.events(JournalEvent.ATTEMPT_START).size(), "a periodic checkpoint never ends the application");
        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(2, gens.size(), "keep 2: older generations pruned after each commit");
        assertEquals(ckpts.get(ckpts.size() - 1).generation().orElseThrow(), gens.get(1).number());
    }

    @Test
    void manualCheckpointNowAndCheckpointAndStop() throws Exception {
        h = new Harness(tmp);
        h.command("COUNT_SAVE_EVERY=1 python3 count_signal.py 400 0.05");
        Process p = h.start();
        h.waitForLines(3);
        Process now = new ProcessBuilder(java(), "-jar", Harness.jar().toString(), "checkpoint", "--control", h.ctl.toString(),
                "--timeout", "30s").redirectErrorStream(true).start();
        String out = new String(now.getInputStream().readAllBytes());
        assertEquals(0, now.waitFor(), out);
        assertTrue(out.contains("generation 1"), out);
        assertTrue(p.isAlive(), "checkpoint now keeps the application running");

        Process stop = new ProcessBuilder(java(), "-jar", Harness.jar().toString(), "checkpoint", "--stop", "--control",
                h.ctl.toString()).redirectErrorStream(true).start();
        String out2 = new String(stop.getInputStream().readAllBytes());
        assertEquals(0, stop.waitFor(), out2);
        assertEquals(76, h.await(p, Duration.ofSeconds(30)), h.log());
        assertEquals("stopped", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
        assertEquals(2, ImageStore.open(h.ctl).list().size());
        assertTrue(h.events(JournalEvent.REQUEST).size() == 2);
        assertTrue(ControlDir.of(h.ctl).readResult().isEmpty(), "stopped is resumable, not final");
    }

    @Test
    void sigtermAtTheEndOfTheJobCheckpointsWithinTheGraceAndRequeues() throws Exception {
        h = new Harness(tmp);
        Process p = h.start();
        h.waitForLines(5);
        h.signal(p, "TERM");
        assertEquals(75, h.await(p, Duration.ofSeconds(60)), h.log());
        JournalEvent ck = h.events(JournalEvent.CHECKPOINT).get(0);
        assertEquals("term", ck.trigger().orElse(""));
        assertTrue(ck.ok().orElse(false), ck.raw().toString());
        assertEquals("preempted", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
        assertEquals(0, h.await(h.start(), Duration.ofSeconds(60)), h.log());
        assertEquals(IntStream.rangeClosed(1, 40).boxed().toList(), h.numbers());
    }

    @Test
    void restartFromAChosenGenerationThroughTheRequestFile() throws Exception {
        h = new Harness(tmp);
        h.command("COUNT_SAVE_EVERY=1 python3 count_signal.py 400 0.05");
        for (int i = 0; i < 2; i++) {
            Process p = h.start();
            h.waitForLines(h.lines() + 5);
            h.signal(p, "USR1");
            assertEquals(75, h.await(p, Duration.ofSeconds(60)), h.log());
        }
        int gen1State = Integer.parseInt(Files.readString(ImageStore.open(h.ctl).list().get(0).path().resolve("state/state")).trim());
        ControlDir.of(h.ctl).requestRestoreFrom(1);
        Process p = h.start();
        Harness.waitUntil("attempt 3 restored", Duration.ofSeconds(30), () -> {
            try {
                return h.events(JournalEvent.ATTEMPT_START).size() == 3;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        h.waitForLines(h.lines() + 1);
        assertEquals(1, h.events(JournalEvent.ATTEMPT_START).get(2).integer("fromGeneration").orElseThrow());
        assertFalse(Files.exists(h.ctl.resolve("requests/restore-generation")), "consumed once the application runs");
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(60)), h.log());
        assertTrue(h.numbers().contains(gen1State) && h.numbers().indexOf(gen1State) != h.numbers().lastIndexOf(gen1State),
                "counting resumed at generation 1's state, again");
    }

    /**
     * A stop checkpoint that fails with no earlier generation (here the declared state file is one the application
     * never writes) must not requeue: the next attempt would count from 1 again over the numbers already written,
     * and the step would still end "completed". It ends ENGINE_ERROR, loudly, and is not requeued.
     */
    @Test
    void aFailedStopCheckpointWithoutAnEarlierGenerationEndsTheStepInsteadOfRestartingFromScratch() throws Exception {
        h = new Harness(tmp);
        h.policy.put("state", List.of("never-written"));
        Process p = h.start();
        h.waitForLines(3);
        h.signal(p, "USR1");
        assertEquals(99, h.await(p, Duration.ofSeconds(60)), h.log());
        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.ENGINE_ERROR, r.outcome());
        assertTrue(r.message().contains("from scratch"), r.message());
        assertTrue(h.events(JournalEvent.REQUEUE).isEmpty(), "no requeue into a restart from scratch");
        List<JournalEvent> ckpts = h.events(JournalEvent.CHECKPOINT);
        assertEquals(1, ckpts.size());
        assertFalse(ckpts.get(0).ok().orElse(true));
        assertTrue(ckpts.get(0).error().orElse("").contains("none of the declared state files exist"), ckpts.get(0).raw().toString());
        assertTrue(h.log().contains("the signal checkpoint failed and there is no earlier generation"), h.log());
        assertEquals(99, h.await(h.start(), Duration.ofSeconds(30)), "a later start of the ended step does nothing: " + h.log());
    }

    static String java() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }
}
