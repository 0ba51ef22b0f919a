package dev.crflow.coordinator.it;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Nothing lost": kills and corruptions at the worst moments, with the real coordinator jar and a real application. */
class FaultInjectionIT {
    @TempDir Path tmp;
    Harness h;

    @AfterEach
    void cleanup() throws Exception {
        if (h != null) h.kill();
    }

    /** One attempt interrupted by the warning signal after {@code lines} new numbers; returns the committed state. */
    private int checkpointedAttempt(int moreLines) throws Exception {
        int before = h.lines();
        Process p = h.start();
        h.waitForLines(before + moreLines);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(60)), h.log());
        return Integer.parseInt(Files.readString(h.workdir.resolve("state")).trim());
    }

    private static int savedState(Generation g) throws IOException {
        return Integer.parseInt(Files.readString(g.path().resolve("state/state")).trim());
    }

    @Test
    void sigkillDuringCommitLeavesThePreviousGenerationValidAndUsed() throws Exception {
        h = new Harness(tmp);
        int gen1State = checkpointedAttempt(5);

        // attempt 2 pauses after writing its manifest, before the rename that would commit it: kill it there
        h.extraEnv.put(ImageStore.COMMIT_PAUSE_ENV, "60000");
        int before = h.lines();
        Process p = h.start();
        h.waitForLines(before + 5);
        h.signal(p, "USR1");
        Path images = h.ctl.resolve("images");
        Harness.waitUntil("a partial generation with its manifest", Duration.ofSeconds(30), () -> partialWithManifest(images).isPresent());
        p.destroyForcibly().waitFor();
        h.extraEnv.remove(ImageStore.COMMIT_PAUSE_ENV);

        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(List.of(1), gens.stream().map(Generation::number).toList(), "the killed commit never became a generation");
        assertTrue(partialWithManifest(images).isPresent(), "its partial directory is still there");

        assertEquals(0, h.runToEnd(Duration.ofSeconds(60)), h.log());
        assertFalse(partialWithManifest(images).isPresent(), "the next start removed the partial");
        JournalEvent start3 = h.events(JournalEvent.ATTEMPT_START).get(2);
        assertEquals(1, start3.integer("fromGeneration").orElseThrow(), "restarted from the last committed generation");
        assertTrue(h.events(JournalEvent.ATTEMPT_END).stream().anyMatch(e -> e.reason().orElse("").equals("lost")),
                "the killed attempt is recorded as lost");
        // numbers after gen 1 were printed by the killed attempt and again by the next (output replay);
        // none is missing, and the next attempt resumed exactly at gen 1's state
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, 40).boxed().toList()), new TreeSet<>(h.numbers()));
        assertEquals(IntStream.range(1, gen1State).boxed().toList(), h.numbers().subList(0, gen1State - 1));
    }

    private static Optional<Path> partialWithManifest(Path images) {
        if (!Files.isDirectory(images)) return Optional.empty();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(images, ".partial-*")) {
            for (Path p : ds) if (Files.exists(p.resolve("MANIFEST.json"))) return Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Test
    void aFlippedByteInTheNewestImageMakesRestartFallBack() throws Exception {
        h = new Harness(tmp);
        checkpointedAttempt(5);
        checkpointedAttempt(5);
        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(2, gens.size());
        int gen1State = savedState(gens.get(0));
        Path newest = gens.get(1).path().resolve("state/state");
        byte[] b = Files.readAllBytes(newest);
        b[0] ^= 0x01;
        Files.write(newest, b, StandardOpenOption.TRUNCATE_EXISTING);

        Process p = h.start();
        Harness.waitUntil("attempt 3 running", Duration.ofSeconds(30), () -> {
            try {
                return h.events(JournalEvent.ATTEMPT_START).size() == 3;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(0, h.await(p, Duration.ofSeconds(60)), h.log());
        JournalEvent fallback = h.events(JournalEvent.RESTORE).stream()
                .filter(e -> e.fallbackFrom().isPresent()).findFirst().orElseThrow(() -> new AssertionError(h.log()));
        assertEquals(2, fallback.fallbackFrom().orElseThrow());
        assertEquals(1, fallback.generation().orElseThrow());
        assertTrue(h.log().contains("falling back to generation 1"), h.log());
        assertEquals(1, h.events(JournalEvent.ATTEMPT_START).get(2).integer("fromGeneration").orElseThrow());
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, 40).boxed().toList()), new TreeSet<>(h.numbers()));
        assertTrue(h.numbers().size() > 40 && gen1State > 1, "numbers since gen 1 were counted again (the corrupt gen 2 was skipped)");
    }

    @Test
    void aFullFilesystemDuringACheckpointKeepsTheOldGenerationAndReportsTheError() throws Exception {
        h = new Harness(tmp);
        h.smallImagesFilesystem();
        checkpointedAttempt(5);
        assertEquals(1, ImageStore.open(h.ctl).list().size());

        // the application's state now outgrows the 256 KiB filesystem
        Files.write(h.workdir.resolve("big"), new byte[512 * 1024]);
        h.policy.put("state", List.of("state", "big"));
        int before = h.lines();
        Process p = h.start();
        h.waitForLines(before + 3);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(60)), h.log());

        JournalEvent failed = h.events(JournalEvent.CHECKPOINT).get(1);
        assertFalse(failed.ok().orElse(true));
        assertTrue(failed.error().orElse("").toLowerCase().contains("space"), failed.raw().toString());
        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(List.of(1), gens.stream().map(Generation::number).toList());
        assertTrue(ImageStore.open(h.ctl).verify(gens.get(0)).ok(), "generation 1 untouched and valid");
        assertTrue(h.log().contains("FAILED"), h.log());

        h.policy.put("state", List.of("state"));
        Files.delete(h.workdir.resolve("big"));
        assertEquals(0, h.runToEnd(Duration.ofSeconds(60)), h.log());
        assertEquals(1, h.events(JournalEvent.ATTEMPT_START).get(2).integer("fromGeneration").orElseThrow());
    }

    @Test
    void sigkillOfTheApplicationIsAFailureRetriedPerRetryNotAPreemption() throws Exception {
        h = new Harness(tmp);
        h.spec.put("retry", 1);
        h.command("COUNT_SAVE_EVERY=1 python3 count_signal.py 1000 0.05");
        for (int attempt = 1; attempt <= 2; attempt++) {
            Files.deleteIfExists(h.workdir.resolve("pid"));
            Process p = h.start();
            Harness.waitUntil("the application's pid", Duration.ofSeconds(30), () -> Files.exists(h.workdir.resolve("pid")));
            h.waitForLines(h.lines() + 2);
            int appPid = Integer.parseInt(Files.readString(h.workdir.resolve("pid")).trim());
            Posix.signalProcess(appPid, Signals.number("KILL"));
            int rc = h.await(p, Duration.ofSeconds(30));
            if (attempt == 1) assertEquals(75, rc, "retry 1 of 1: requeued\n" + h.log());
            else assertEquals(137, rc, "retries used up: the application's own status\n" + h.log());
        }
        List<JournalEvent> ends = h.events(JournalEvent.ATTEMPT_END);
        assertEquals(List.of("failed", "failed"), ends.stream().map(e -> e.reason().orElse("")).toList());
        assertEquals(137, ends.get(0).exitCode().orElseThrow());
        assertTrue(h.events(JournalEvent.CHECKPOINT).isEmpty(), "a killed application is not checkpointed as if preempted");
        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.FAILED, r.outcome());
        assertEquals(137, r.exitCode());
        assertEquals(1, r.retries());
        assertEquals(0, r.restarts());
    }

    /**
     * Found by scripts/chaos: a retry from scratch (no generation yet) used to run in the workdir the failed attempt
     * left, so the count appended 1..N after the numbers already written. The declared state goes back to what it
     * was before the first launch.
     */
    @Test
    void aRetryFromScratchStartsFromTheStateFilesAsTheyWereBeforeTheFirstLaunch() throws Exception {
        h = new Harness(tmp);
        h.spec.put("retry", 1);
        h.policy.put("state", List.of("state", "out.txt"));
        h.command("python3 count_signal.py 30 0.05");
        Process p = h.start();
        Harness.waitUntil("the application's pid", Duration.ofSeconds(30), () -> Files.exists(h.workdir.resolve("pid")));
        h.waitForLines(3);
        Posix.signalProcess(Integer.parseInt(Files.readString(h.workdir.resolve("pid")).trim()), Signals.number("KILL"));
        assertEquals(75, h.await(p, Duration.ofSeconds(30)), "retry 1 of 1: relaunched\n" + h.log());

        assertEquals(0, h.runToEnd(Duration.ofSeconds(60)), h.log());
        assertEquals(IntStream.rangeClosed(1, 30).boxed().toList(), h.numbers(), "each number exactly once, in order");
        assertTrue(h.events(JournalEvent.CHECKPOINT).isEmpty(), "no generation: the retry started from scratch");
    }

    @Test
    void sigkillOfTheCoordinatorIsRecoveredFromTheLastCommittedGenerationAndLeavesNothingRunning() throws Exception {
        h = new Harness(tmp);
        h.policy.put("interval", "PT1S");
        h.command("COUNT_SAVE_EVERY=1 python3 count_signal.py 120 0.05");
        Process p = h.start();
        Harness.waitUntil("two periodic generations", Duration.ofSeconds(30), () -> {
            try {
                return h.events(JournalEvent.CHECKPOINT).size() >= 2;
            } catch (IOException e) {
                return false;
            }
        });
        int appPid = Integer.parseInt(Files.readString(h.workdir.resolve("pid")).trim());
        p.destroyForcibly().waitFor();
        Harness.waitUntil("the application to die with its coordinator (PR_SET_PDEATHSIG)", Duration.ofSeconds(5),
                () -> ProcessHandle.of(appPid).map(x -> !x.isAlive()).orElse(true));
        Generation last = ImageStore.open(h.ctl).list().get(ImageStore.open(h.ctl).list().size() - 1);
        int lastState = savedState(last);

        assertEquals(0, h.runToEnd(Duration.ofSeconds(60)), h.log());
        JournalEvent lost = h.events(JournalEvent.ATTEMPT_END).get(0);
        assertEquals("lost", lost.reason().orElse(""));
        JournalEvent start2 = h.events(JournalEvent.ATTEMPT_START).get(1);
        assertTrue(start2.integer("fromGeneration").orElseThrow() >= last.number(), "restored from the newest committed generation");
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, 120).boxed().toList()), new TreeSet<>(h.numbers()));
        assertTrue(lastState > 1);
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
    }
}
