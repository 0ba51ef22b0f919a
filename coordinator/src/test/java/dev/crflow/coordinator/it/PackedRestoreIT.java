package dev.crflow.coordinator.it;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.engine.DmtcpInstall;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;
import dev.crflow.coordinator.store.Packer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compression and deduplication with a real DMTCP: periodic generations are packed in the background while the
 * application runs, and a restart from a packed (compressed, deduplicated) generation counts on exactly once.
 */
class PackedRestoreIT {
    /** Counts into out.txt until the file 'done' appears; one process, no forks (DMTCP refuses forks mid-checkpoint). */
    static final String LOOP = String.join("\n",
            "import os, time",
            "i = 1",
            "with open('out.txt', 'a') as out:",
            "    while not os.path.exists('done'):",
            "        out.write(f'{i}\\n'); out.flush(); os.fsync(out.fileno())",
            "        i += 1",
            "        time.sleep(0.05)",
            "");
    @TempDir Path tmp;
    Harness h;

    @BeforeAll
    static void needDmtcp() {
        boolean present = DmtcpInstall.locate(System.getenv()).isPresent();
        if (!present) System.err.println("*** PackedRestoreIT SKIPPED: DMTCP not found (PATH, DMTCP_HOME, /opt/dmtcp/bin) ***");
        assumeTrue(present, "SKIPPED LOUDLY: DMTCP is not installed");
    }

    @AfterEach
    void cleanup() { if (h != null) h.kill(); }

    private static boolean packed(Generation g) {
        return ImageStore.readManifest(g.path()).map(m -> m.files().stream().noneMatch(Manifest.FileEntry::isPlain)).orElse(false);
    }

    private List<Generation> gens() {
        try {
            return ImageStore.open(h.ctl).list();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    @Test
    void generationsArePackedInTheBackgroundAndARestartFromAPackedOneCountsExactlyOnce() throws Exception {
        h = new Harness(tmp);
        h.policy.put("engine", "DMTCP");
        h.policy.put("forward", null);
        h.policy.put("state", List.of());
        h.policy.put("interval", "PT4S");
        h.policy.put("keep", 5);
        h.policy.put("compress", true);
        h.policy.put("dedup", true);
        Files.writeString(h.workdir.resolve("loop.py"), LOOP);
        h.command((Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3") + " loop.py");

        Process first = h.start();
        Harness.waitUntil("a generation packed in the background while the application runs", Duration.ofSeconds(180),
                () -> h.log().contains("packed in the background"));
        assertTrue(first.isAlive(), "packing never stops the application\n" + h.log());
        assertTrue(gens().stream().anyMatch(PackedRestoreIT::packed), h.log());
        h.signal(first, "USR1");
        assertEquals(75, h.await(first, Duration.ofSeconds(120)), h.log());

        ImageStore store = ImageStore.open(h.ctl);
        Generation newest = store.list().get(store.list().size() - 1);
        assertTrue(!packed(newest), "the stop checkpoint never waits for packing: its generation is plain\n" + h.log());
        // what the next attempt's background pass does, done here so the restart surely reads a packed generation
        Packer.Packed p = new Packer(store, new Packer.Settings(true, true), () -> false).pack(newest).orElseThrow();
        assertTrue(p.written() < p.stored(), "chunks shared with the earlier generations: " + p);
        assertEquals(Optional.empty(), store.invalidBecause(newest.number()));
        try (Stream<Path> files = Files.walk(store.directory())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isSymbolicLink(f)) continue; // DMTCP's dmtcp_restart_script.sh: not part of any manifest
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                assertEquals(Files.isDirectory(f) ? "rwx------" : "rw-------", perms, f.toString());
            }
        }

        Process second = h.start();
        Harness.waitUntil("the restart from the packed generation", Duration.ofSeconds(120),
                () -> h.log().contains("generation " + newest.number() + " unpacked for the restart"));
        int before = h.lines();
        Harness.waitUntil("counting on after the restart", Duration.ofSeconds(60), () -> {
            try {
                return h.lines() >= before + 5;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        // the scratch copy stays until the next commit (an engine may read it after restart returns), then goes
        Harness.waitUntil("a periodic checkpoint of the restarted attempt", Duration.ofSeconds(120), () -> {
            try {
                return h.events(JournalEvent.CHECKPOINT).stream().anyMatch(e -> e.attempt().orElse(0) == 2 && e.ok().orElse(false));
            } catch (java.io.IOException e) {
                return false;
            }
        });
        Harness.waitUntil("the scratch copy removed after that commit", Duration.ofSeconds(60),
                () -> Files.notExists(store.directory().resolve(Packer.RESTORE_PREFIX + newest.path().getFileName())));
        Files.writeString(h.workdir.resolve("done"), "");
        assertEquals(0, h.await(second, Duration.ofSeconds(120)), h.log());
        List<Integer> n = h.numbers();
        assertEquals(IntStream.rangeClosed(1, n.size()).boxed().toList(), n, "each number exactly once\n" + h.log());
        assertEquals(newest.number(), h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").orElseThrow());
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
        assertEquals(Optional.empty(), store.invalidBecause(newest.number()), "the generation restored from is still whole");

    }
}
