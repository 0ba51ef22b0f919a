package dev.crflow.coordinator.it;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * engine 'criu' end to end with the real coordinator jar, a real CRIU and applications with no checkpointing of
 * their own (a bash loop, a python loop). Skipped loudly where `criu check` fails. Nothing here depends on how
 * many checkpoints fit in some time: every wait is for a condition, with a deadline.
 */
class CriuEngineIT {
    /** Counts 1..N into out.txt (relative: the restored cwd), and "i pgrp" through fd 3 opened once at the start. */
    static String bashCounter(int n) {
        return "exec 3>>fd.txt; i=1; while [ $i -le " + n + " ]; do echo $i >> out.txt;"
                + " read -r _ _ _ _ pg _ < /proc/self/stat; echo \"$i $pg\" >&3; i=$((i+1)); sleep 0.05; done";
    }

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path tmp; // a failure keeps the CRIU logs
    Harness h;
    Process holder;

    @BeforeAll
    static void needCriu() {
        boolean works = CriuIT.criuWorks();
        if (!works) System.err.println("*** CriuEngineIT SKIPPED: `criu check` fails here (or no criu): CRIU >= 4.1 and root needed ***");
        assumeTrue(works, "SKIPPED LOUDLY: `criu check` fails here (CRIU >= 4.1 and root needed on kernels >= 6.13; scripts/install-deps installs it)");
    }

    @AfterEach
    void cleanup() throws Exception {
        if (h != null) {
            h.kill();
            appGroup().ifPresent(pg -> Posix.signalGroup(pg, Signals.number("KILL")));
        }
        if (holder != null) holder.destroyForcibly();
    }

    private Harness criu(String command) throws IOException {
        h = new Harness(tmp);
        h.policy.put("engine", "CRIU");
        h.policy.put("forward", null);
        h.policy.put("state", List.of());
        h.command(command);
        return h;
    }

    /** One attempt, ended by the warning signal once {@code more} new lines are out; it must requeue (75). */
    private void walltime(int more) throws Exception {
        int before = h.lines();
        Process p = h.start();
        h.waitForLines(before + more);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), h.log());
    }

    private Optional<Integer> appGroup() {
        try {
            Map<?, ?> m = SpecReader.mapper().readValue(h.ctl.resolve("app-process.json").toFile(), Map.class);
            return m.get("pgid") instanceof Number n && n.intValue() > 1 ? Optional.of(n.intValue()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void awaitCheckpoints(int okCount) throws InterruptedException {
        Harness.waitUntil(okCount + " committed checkpoints", Duration.ofSeconds(90), () -> {
            try {
                return h.events(JournalEvent.CHECKPOINT).stream().filter(e -> e.ok().orElse(false)).count() >= okCount;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void aPlainBashCounterSurvivesSeveralWalltimesExactlyOnceWithItsOpenFilesCwdAndProcessGroup() throws Exception {
        criu(bashCounter(200));
        for (int i = 0; i < 3; i++) walltime(8);
        assertEquals(0, h.runToEnd(Duration.ofSeconds(120)), h.log());

        List<Integer> expected = IntStream.rangeClosed(1, 200).boxed().toList();
        assertEquals(expected, h.numbers(), "each number exactly once\n" + h.log());
        List<String[]> fd = Files.readAllLines(h.workdir.resolve("fd.txt")).stream().map(s -> s.split(" ")).toList();
        assertEquals(expected, fd.stream().map(f -> Integer.parseInt(f[0])).toList(), "the fd opened before the first dump kept writing");
        assertEquals(1, fd.stream().map(f -> f[1]).distinct().count(), "one process group across every restore");

        List<JournalEvent> starts = h.events(JournalEvent.ATTEMPT_START);
        assertEquals(4, starts.size());
        for (int a = 1; a <= 3; a++) assertEquals(a, starts.get(a).integer("fromGeneration").orElseThrow(), h.log());
        assertTrue(h.events(JournalEvent.RESTORE).stream().allMatch(e -> e.ok().orElse(false)), h.log());
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
        Manifest m = ImageStore.readManifest(ImageStore.open(h.ctl).list().get(0).path()).orElseThrow();
        assertEquals("criu", m.engine());
        assertTrue(m.engineVersion().matches("\\d+\\.\\d+.*"), m.engineVersion());
        assertTrue(h.log().contains("criu restore of generation 3"), "restore time reported\n" + h.log());
        assertTrue(h.events(JournalEvent.CHECKPOINT).stream().allMatch(e -> e.durationMs().isPresent()), "dump times journalled");
    }

    @Test
    void aRestoredTreeIsTheCoordinatorsToCheckpointAgainAndAgain() throws Exception {
        criu(bashCounter(400));
        walltime(8);
        // attempt 2 runs from a restore and takes periodic dumps (--leave-running) of the restored tree
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(3); // the stop dump of attempt 1 + two periodic ones of the restored tree
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), h.log());
        h.policy.put("interval", null);
        assertEquals(0, h.runToEnd(Duration.ofSeconds(120)), h.log());

        assertEquals(IntStream.rangeClosed(1, 400).boxed().toList(), h.numbers(), "each number exactly once\n" + h.log());
        List<JournalEvent> ckpts = h.events(JournalEvent.CHECKPOINT);
        assertTrue(ckpts.stream().allMatch(e -> e.ok().orElse(false)), ckpts + "\n" + h.log());
        List<JournalEvent> starts = h.events(JournalEvent.ATTEMPT_START);
        int newest = ckpts.get(ckpts.size() - 1).generation().orElseThrow();
        assertEquals(newest, starts.get(starts.size() - 1).integer("fromGeneration").orElseThrow());
        for (Generation g : ImageStore.open(h.ctl).list()) assertTrue(ImageStore.open(h.ctl).verify(g).ok(), g.toString());
    }

    @Test
    void aCorruptedNewestGenerationFallsBackToTheOlderOne() throws Exception {
        criu(bashCounter(150));
        walltime(8);
        walltime(8);
        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(2, gens.size());
        Path pages = largestImage(gens.get(1).path().resolve("criu"));
        byte[] b = Files.readAllBytes(pages);
        b[b.length / 2] ^= 0x01;
        Files.write(pages, b, StandardOpenOption.TRUNCATE_EXISTING);

        assertEquals(0, h.runToEnd(Duration.ofSeconds(120)), h.log());
        JournalEvent fallback = h.events(JournalEvent.RESTORE).stream().filter(e -> e.fallbackFrom().isPresent())
                .findFirst().orElseThrow(() -> new AssertionError(h.log()));
        assertEquals(2, fallback.fallbackFrom().orElseThrow());
        assertEquals(1, fallback.generation().orElseThrow());
        assertEquals(1, h.events(JournalEvent.ATTEMPT_START).get(2).integer("fromGeneration").orElseThrow());
        // no state files: what was appended after generation 1 is appended again; nothing is missing
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, 150).boxed().toList()), new TreeSet<>(h.numbers()));
        assertEquals(150, h.numbers().get(h.numbers().size() - 1));
    }

    private static Path largestImage(Path dir) throws IOException {
        Path best = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.img")) {
            for (Path p : ds) if (best == null || Files.size(p) > Files.size(best)) best = p;
        }
        assertTrue(best != null, "no image in " + dir);
        return best;
    }

    /** A python loop holding ~200 MB, so that a dump takes long enough to be interrupted. */
    static final String BIG_COUNTER = "exec python3 -c 'import time\nb = bytearray(b\"x\") * (200 << 20)\n"
            + "for i in range(1, 121):\n    f = open(\"out.txt\", \"a\"); f.write(\"%d\\n\" % i); f.close(); time.sleep(0.05)\n'";

    @Test
    void sigkillOfTheCoordinatorDuringADumpKeepsTheLastGoodGeneration() throws Exception {
        criu(BIG_COUNTER);
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(1);
        Harness.waitUntil("a dump in progress", Duration.ofSeconds(60), () -> partialDump(h.ctl).isPresent());
        p.destroyForcibly().waitFor();
        List<Generation> committed = ImageStore.open(h.ctl).list();
        assertFalse(committed.isEmpty());

        h.policy.put("interval", null);
        assertEquals(0, h.runToEnd(Duration.ofSeconds(180)), h.log());
        assertEquals("lost", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
        int from = h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").orElseThrow();
        assertTrue(from >= committed.get(committed.size() - 1).number(), "restored from the newest committed generation\n" + h.log());
        assertTrue(h.events(JournalEvent.RESTORE).stream().allMatch(e -> e.ok().orElse(false)), h.log());
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, 120).boxed().toList()), new TreeSet<>(h.numbers()));
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
    }

    @Test
    void sigkillOfTheApplicationDuringADumpKeepsTheLastGoodGeneration() throws Exception {
        criu(BIG_COUNTER);
        h.spec.put("retry", 1);
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(1);
        Harness.waitUntil("a dump in progress", Duration.ofSeconds(60), () -> partialDump(h.ctl).isPresent());
        int pg = appGroup().orElseThrow();
        Posix.signalGroup(pg, Signals.number("KILL"));
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), "a retry from the last good generation\n" + h.log());
        List<Generation> committed = ImageStore.open(h.ctl).list();
        for (Generation g : committed) assertTrue(ImageStore.open(h.ctl).verify(g).ok(), g + "\n" + h.log());

        h.policy.put("interval", null);
        assertEquals(0, h.runToEnd(Duration.ofSeconds(180)), h.log());
        int from = h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").orElseThrow();
        assertEquals(committed.get(committed.size() - 1).number(), from, h.log());
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, 120).boxed().toList()), new TreeSet<>(h.numbers()));
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
    }

    private static Optional<Path> partialDump(Path ctl) {
        Path images = ctl.resolve("images");
        if (!Files.isDirectory(images)) return Optional.empty();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(images, ".partial-*")) {
            for (Path p : ds) if (Files.exists(p.resolve("criu/dump.log"))) return Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Test
    void aRestoreWhosePidIsTakenIsRefusedInOneLineNamingThePid() throws Exception {
        criu(bashCounter(200));
        walltime(8);
        int pid = appGroupOfGeneration(1);
        holder = holdPid(pid);
        assumeTrue(holder != null, "SKIPPED: could not make a process take pid " + pid + " (a busy machine took it first)");

        assertEquals(99, h.await(h.start(), Duration.ofSeconds(120)), h.log());
        String log = h.log();
        assertTrue(log.contains("pid " + pid + " of the checkpointed tree is in use on this host"), log);
        assertEquals(Outcome.ENGINE_ERROR, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
        assertTrue(ImageStore.open(h.ctl).verify(ImageStore.open(h.ctl).list().get(0)).ok(), "the generation is kept");
        assertTrue(holder.isAlive(), "the process holding the pid was left alone");
    }

    private int appGroupOfGeneration(int n) throws IOException {
        Generation g = ImageStore.open(h.ctl).get(n).orElseThrow();
        return ((Number) ImageStore.readManifest(g.path()).orElseThrow().engineData().get("pid")).intValue();
    }

    /** Starts `sleep` as exactly {@code pid} (root: ns_last_pid), retrying when another process takes it first. */
    private static Process holdPid(int pid) throws Exception {
        Path last = Path.of("/proc/sys/kernel/ns_last_pid");
        // the killed tree's zombies keep the number until they are reaped
        Harness.waitUntil("pid " + pid + " to be free", Duration.ofSeconds(30),
                () -> dev.crflow.coordinator.proc.ProcTable.firstTaken(List.of(pid)).isEmpty());
        List<Process> misses = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Files.writeString(last, Integer.toString(pid - 1));
                Process p = new ProcessBuilder("sleep", "600").start();
                if (p.pid() == pid) return p;
                misses.add(p);
            }
            return null;
        } finally {
            misses.forEach(Process::destroyForcibly);
        }
    }

    /** Item "exactly-once files": the appended files are declared as state, snapshotted while CRIU holds the tree frozen. */
    @Test
    void appendedFilesDeclaredAsStateComeBackAsTheyWereSoASigkilledCounterEndsExactlyOnce() throws Exception {
        criu(bashCounter(300));
        h.policy.put("state", List.of("out.txt", "fd.txt"));
        h.spec.put("retry", 1);
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(3);
        Posix.signalGroup(appGroup().orElseThrow(), Signals.number("KILL"));
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), "retried from the newest generation\n" + h.log());
        int newest = ImageStore.open(h.ctl).list().get(ImageStore.open(h.ctl).list().size() - 1).number();
        Generation g = ImageStore.open(h.ctl).get(newest).orElseThrow();
        // listed by the manifest (plain, or packed by the background compression: a restore reads either)
        assertTrue(ImageStore.readManifest(g.path()).orElseThrow().files().stream().anyMatch(f -> f.path().equals("state/out.txt")),
                "out.txt is in the generation");
        assertTrue(ImageStore.open(h.ctl).verify(g).ok());

        h.policy.put("interval", null);
        assertEquals(0, h.runToEnd(Duration.ofSeconds(120)), h.log());
        assertEquals(newest, h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").orElseThrow(), h.log());
        List<Integer> expected = IntStream.rangeClosed(1, 300).boxed().toList();
        assertEquals(expected, h.numbers(), "each number exactly once although the counter was killed\n" + h.log());
        assertEquals(expected, Files.readAllLines(h.workdir.resolve("fd.txt")).stream().map(l -> Integer.parseInt(l.split(" ")[0])).toList());
    }

    @Test
    void stateFilesAlsoMakeASigkilledCoordinatorExactlyOnce() throws Exception {
        criu(bashCounter(300));
        h.policy.put("state", List.of("out.txt"));
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(3);
        p.destroyForcibly().waitFor();
        h.policy.put("interval", null);
        assertEquals(0, h.runToEnd(Duration.ofSeconds(120)), h.log());
        assertEquals("lost", h.events(JournalEvent.ATTEMPT_END).get(0).reason().orElse(""));
        assertEquals(IntStream.rangeClosed(1, 300).boxed().toList(), h.numbers(), "each number exactly once\n" + h.log());
    }

    // --- incremental checkpoints (issue 14 item 3): a generation holds only the pages that changed since its parent

    /**
     * A python loop holding ~200 MB that it never changes (so later dumps read most pages through a parent), counting
     * into out.txt until the test creates {@code finish}: no wait depends on how fast the machine counts.
     */
    static final String GATED_BIG_COUNTER = "exec python3 -c 'import os, time\nb = bytearray(b\"x\") * (200 << 20)\ni = 0\n"
            + "while not (i >= 50 and os.path.exists(\"finish\")):\n    i += 1\n"
            + "    f = open(\"out.txt\", \"a\"); f.write(\"%d\\n\" % i); f.close(); time.sleep(0.05)\n'";

    private void finish() throws IOException { Files.writeString(h.workdir.resolve("finish"), ""); }

    private void exactlyOnce() throws IOException {
        List<Integer> n = h.numbers();
        assertTrue(n.size() >= 50, h.log());
        assertEquals(IntStream.rangeClosed(1, n.get(n.size() - 1)).boxed().toList(), n, "each number exactly once\n" + h.log());
    }

    private Manifest manifest(Generation g) { return ImageStore.readManifest(g.path()).orElseThrow(); }

    private Generation newest() throws IOException {
        List<Generation> all = ImageStore.open(h.ctl).list();
        return all.get(all.size() - 1);
    }

    /** Every generation left verifies, and so does every generation it reads through: no chain was cut. */
    private void chainsIntact() throws IOException {
        ImageStore store = ImageStore.open(h.ctl);
        for (Generation g : store.list()) {
            assertTrue(store.verify(g).ok(), g + ": " + store.verify(g).problem() + "\n" + h.log());
            for (int a : store.ancestors(g)) assertTrue(store.get(a).isPresent(), "generation " + g.number() + " needs " + a);
        }
    }

    @Test
    void periodicCheckpointsAreIncrementalKeepTwoKeepsTheirChainsAndARestoreFromOneIsExactlyOnce() throws Exception {
        criu(GATED_BIG_COUNTER);
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(4);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), h.log());

        ImageStore store = ImageStore.open(h.ctl);
        chainsIntact();
        List<Generation> gens = store.list();
        assertTrue(gens.stream().allMatch(store::partOfChain), "every CRIU generation is marked as part of a chain");
        Generation stop = newest();
        Manifest sm = manifest(stop);
        // the stop dump is incremental too, unless its predecessor ended a chain of MAX_CHAIN
        int before = ((Number) manifest(gens.get(gens.size() - 2)).engineData().get("chainDepth")).intValue();
        assertTrue(sm.parent().isPresent() || before == 8, sm + "\n" + h.log());
        if (sm.parent().isPresent()) {
            Map<String, Object> d = sm.engineData();
            assertTrue(((Number) d.get("pagesFromParent")).longValue() > 0, "the 200 MB buffer did not change: read through the parent " + d);
            assertTrue(Files.isSymbolicLink(stop.path().resolve("criu/parent")));
            assertEquals(stop.path().getParent().resolve("gen-" + String.format("%06d", sm.parent().get())).resolve("criu").toRealPath(),
                    stop.path().resolve("criu/parent").toRealPath(), "the relative link made in .partial-* points at the parent after the rename");
            long full = Files.size(largestImage(gens.get(0).path().resolve("criu")));
            assertTrue(Files.size(largestImage(stop.path().resolve("criu"))) < full / 2,
                    "an incremental generation holds a fraction of the pages of a full one\n" + h.log());
        }
        int newestNumber = stop.number();

        // attempt 2 restores the (incremental) newest generation; its first periodic dump is incremental against it
        Process p2 = h.start();
        Harness.waitUntil("a periodic checkpoint of the restored tree", Duration.ofSeconds(90), () -> {
            try {
                return newest().number() > newestNumber;
            } catch (IOException e) {
                return false;
            }
        });
        h.signal(p2, "USR1");
        assertEquals(75, h.await(p2, Duration.ofSeconds(120)), h.log());
        assertEquals(newestNumber, h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").orElseThrow(), h.log());
        Generation afterRestore = ImageStore.open(h.ctl).get(newestNumber + 1).orElseThrow();
        assertEquals(java.util.Optional.of(newestNumber), manifest(afterRestore).parent(),
                "the first dump after a restore reads through the restored generation\n" + h.log());
        chainsIntact();

        h.policy.put("interval", null);
        finish();
        assertEquals(0, h.runToEnd(Duration.ofSeconds(180)), h.log());
        exactlyOnce();
        assertTrue(h.events(JournalEvent.RESTORE).stream().allMatch(e -> e.ok().orElse(false)), h.log());
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
    }

    @Test
    void aCorruptParentMakesItsChainInvalidAndTheRestoreFallsBackToAnOlderValidGeneration() throws Exception {
        criu(GATED_BIG_COUNTER);
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(3);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), h.log());
        ImageStore store = ImageStore.open(h.ctl);
        Generation stop = newest();
        assumeTrue(manifest(stop).parent().isPresent(), "the stop dump began a new chain (MAX_CHAIN reached); nothing to corrupt");
        int parent = manifest(stop).parent().get();
        Path pagemap;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(store.get(parent).orElseThrow().path().resolve("criu"), "pagemap-*.img")) {
            pagemap = ds.iterator().next();
        }
        byte[] b = Files.readAllBytes(pagemap);
        b[b.length - 1] ^= 0x01;
        Files.write(pagemap, b, StandardOpenOption.TRUNCATE_EXISTING);
        assertTrue(store.invalidBecause(stop.number()).orElseThrow().contains("parent generation " + parent + " is invalid"),
                store.invalidBecause(stop.number()).toString());
        int fallback = store.list().stream().filter(g -> g.number() < parent).mapToInt(Generation::number).max().orElseThrow();

        h.policy.put("interval", null);
        finish();
        assertEquals(0, h.runToEnd(Duration.ofSeconds(180)), h.log());
        assertEquals(fallback, h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").orElseThrow(), h.log());
        List<JournalEvent> restores = h.events(JournalEvent.RESTORE);
        JournalEvent refused = restores.get(0);
        assertEquals(stop.number(), refused.generation().orElseThrow());
        assertTrue(refused.message().orElse("").contains("parent generation " + parent + " is invalid"), refused.toString());
        JournalEvent used = restores.stream().filter(e -> e.ok().orElse(false)).findFirst().orElseThrow(() -> new AssertionError(h.log()));
        assertEquals(fallback, used.generation().orElseThrow());
        assertEquals(parent, used.fallbackFrom().orElseThrow(), "falling back past the corrupt parent");
        // no state files: what was appended after the fallback generation is appended again; nothing is missing
        // (the restored loop ends at the first number >= 50 once `finish` exists, below what attempt 1 had reached)
        List<Integer> n = h.numbers();
        int max = n.stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, max).boxed().toList()), new TreeSet<>(n), h.log());
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
    }

    @Test
    void incrementalFalseWritesSelfContainedGenerations() throws Exception {
        criu(GATED_BIG_COUNTER);
        h.policy.put("incremental", false);
        h.policy.put("interval", "PT1S");
        Process p = h.start();
        awaitCheckpoints(2);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), h.log());
        ImageStore store = ImageStore.open(h.ctl);
        for (Generation g : store.list()) {
            assertFalse(store.partOfChain(g), g.toString());
            assertFalse(Files.exists(g.path().resolve("criu/parent"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
        h.policy.put("interval", null);
        finish();
        assertEquals(0, h.runToEnd(Duration.ofSeconds(120)), h.log());
        exactlyOnce();
    }
}
