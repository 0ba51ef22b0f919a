package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.ControlDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateFilesTest {
    @TempDir Path tmp;

    private Path workdir() throws Exception { return Files.createDirectories(tmp.resolve("work")); }

    @Test
    void restoreRemovesDeclaredEntriesTheGenerationDidNotHave() throws Exception {
        Path work = workdir();
        Path gen = tmp.resolve("gen-000002");
        Files.createDirectories(gen.resolve("state"));
        Files.writeString(gen.resolve("state/count.out"), "1\n2\n");
        // written after generation 2: the "next number" file of a run that went further
        Files.writeString(work.resolve("state"), "41");
        Files.writeString(work.resolve("count.out"), "1\n2\n3\n4\n");
        Files.writeString(work.resolve("unrelated.txt"), "kept");

        StateFiles.restoreFrom(gen, work, StateFiles.declaredAt(java.util.Map.of("state", List.of("count.out"), "missing", List.of("state"))));

        assertFalse(Files.exists(work.resolve("state")), "not in generation 2, so not in the restored workdir");
        assertEquals("1\n2\n", Files.readString(work.resolve("count.out")));
        assertEquals("kept", Files.readString(work.resolve("unrelated.txt")), "undeclared files are never touched");
    }

    @Test
    void restoreOfADeclaredDirectoryDropsFilesItDidNotHave() throws Exception {
        Path work = workdir();
        Path gen = tmp.resolve("gen-000001");
        Files.createDirectories(gen.resolve("state/out"));
        Files.writeString(gen.resolve("state/out/a"), "a");
        Files.createDirectories(work.resolve("out"));
        Files.writeString(work.resolve("out/a"), "changed");
        Files.writeString(work.resolve("out/b"), "later");

        StateFiles.restoreFrom(gen, work, List.of("out"));

        assertEquals("a", Files.readString(work.resolve("out/a")));
        assertFalse(Files.exists(work.resolve("out/b")));
    }

    @Test
    void anEntryDeclaredAfterTheGenerationWasWrittenIsLeftAlone() throws Exception {
        Path work = workdir();
        Path gen = tmp.resolve("gen-000001");
        Files.createDirectories(gen.resolve("state"));
        Files.writeString(gen.resolve("state/state"), "5");
        Files.writeString(work.resolve("big"), "declared only since generation 1");

        StateFiles.restoreFrom(gen, work, StateFiles.declaredAt(java.util.Map.of("state", List.of("state"), "missing", List.of())));

        assertEquals("5", Files.readString(work.resolve("state")));
        assertTrue(Files.exists(work.resolve("big")));
    }

    @Test
    void theFirstLaunchRecordsTheBaselineAndARetryFromScratchGoesBackToIt() throws Exception {
        Path work = workdir();
        ControlDir ctl = ControlDir.of(Files.createDirectories(tmp.resolve("ctl")));
        Files.writeString(work.resolve("input.dat"), "given by the user");
        StateFiles files = new StateFiles(List.of("count.out", "input.dat", "state"));

        files.baseline(ctl, work); // first launch: count.out and state do not exist yet
        assertTrue(Files.isDirectory(ctl.root().resolve(StateFiles.BASELINE)));

        Files.writeString(work.resolve("count.out"), "1\n2\n3\n"); // the failed attempt's output
        Files.writeString(work.resolve("input.dat"), "overwritten");
        files.baseline(ctl, work); // a retry from scratch

        assertFalse(Files.exists(work.resolve("count.out")), "the retry does not append to the failed attempt's output");
        assertEquals("given by the user", Files.readString(work.resolve("input.dat")));
    }

    @Test
    void entriesOutsideTheWorkdirAreRefused() {
        assertThrows(EngineException.class, () -> new StateFiles(List.of("../escape")).validate("signal"));
        assertThrows(EngineException.class, () -> new StateFiles(List.of("/etc/passwd")).validate("signal"));
    }

    @Test
    void namesOnSeveralLinesOrBlankAreRefused() {
        for (String bad : List.of("/etc/passwd", "../x", "a\nb", " ")) {
            assertThrows(EngineException.class, () -> new StateFiles(List.of(bad)).validate("criu"), bad);
        }
    }

    @Test
    void criusPostDumpScriptCopiesTheDeclaredFilesPrivatelyAndTheRestorePutsThemBackWithTheirModes() throws Exception {
        Path ctl = Files.createDirectories(tmp.resolve("ctl"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path gen = Files.createDirectories(tmp.resolve("gen"));
        Files.writeString(work.resolve("out.txt"), "1\n2\n");
        Files.setPosixFilePermissions(work.resolve("out.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(work.resolve("logs dir"));
        Files.writeString(work.resolve("logs dir/a 'b'.log"), "x\n");
        StateFiles s = new StateFiles(List.of("out.txt", "logs dir", "never-written.txt"));
        List<String> args = new ArrayList<>();
        Map<String, String> env = s.prepareFrozenCopy(ctl, work, gen, args);
        assertEquals(List.of("--action-script", ctl.resolve("criu-post-dump.sh").toString()), args);

        // CRIU runs the script itself (execvp) at every stage; only post-dump copies
        ProcessBuilder pb = new ProcessBuilder(args.get(1)).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("CRTOOLS_SCRIPT_ACTION", "pre-dump");
        assertEquals(0, pb.start().waitFor());
        assertFalse(Files.exists(gen.resolve("state")));
        pb.environment().put("CRTOOLS_SCRIPT_ACTION", "post-dump");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertEquals("1\n2\n", Files.readString(gen.resolve("state/out.txt")));
        assertEquals("x\n", Files.readString(gen.resolve("state/logs dir/a 'b'.log")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(gen.resolve("state/out.txt"))));

        Map<String, Object> data = s.record(gen, work);
        assertEquals(List.of("out.txt", "logs dir"), data.get("state"));
        assertEquals(List.of("never-written.txt"), data.get("missing"));

        // later: the application appended, and created the file that did not exist at the dump
        Files.writeString(work.resolve("out.txt"), "1\n2\n3\n");
        Files.writeString(work.resolve("never-written.txt"), "late\n");
        StateFiles.restore(gen, work, data);
        assertEquals("1\n2\n", Files.readString(work.resolve("out.txt")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("out.txt"))),
                "CRIU refuses a file whose mode changed");
        assertFalse(Files.exists(work.resolve("never-written.txt")));
        assertTrue(Files.exists(work.resolve("logs dir/a 'b'.log")));
    }

    /** Generations the CRIU engine wrote before StateFiles served every engine spell "missing" as "stateMissing". */
    @Test
    void olderCriuManifestsAreRestoredExactly() throws Exception {
        Path work = workdir();
        Path gen = tmp.resolve("gen-000003");
        Files.createDirectories(gen.resolve("state"));
        Files.writeString(gen.resolve("state/out.txt"), "1\n");
        Files.writeString(work.resolve("out.txt"), "1\n2\n");
        Files.writeString(work.resolve("late.txt"), "x");

        StateFiles.restore(gen, work, Map.of("state", List.of("out.txt"), "stateMissing", List.of("late.txt"),
                "stateModes", Map.of("out.txt", "rw-r-----")));

        assertEquals("1\n", Files.readString(work.resolve("out.txt")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("out.txt"))));
        assertFalse(Files.exists(work.resolve("late.txt")));
    }

    /** DMTCP's (and the signal engine's) copy: taken by the coordinator while the application cannot write. */
    @Test
    void aSnapshotIntoAPendingGenerationRecordsWhatItSavedAndWhatWasMissing() throws Exception {
        Path work = workdir();
        Files.writeString(work.resolve("out.txt"), "1\n2\n");
        Files.setPosixFilePermissions(work.resolve("out.txt"), PosixFilePermissions.fromString("rw-rw-r--"));
        dev.crflow.coordinator.store.ImageStore store = dev.crflow.coordinator.store.ImageStore.open(Files.createDirectories(tmp.resolve("ctl")));
        dev.crflow.coordinator.store.ImageStore.Pending pending = store.begin("interval");
        Map<String, Object> data = new StateFiles(List.of("out.txt", "next.txt")).snapshot(pending, work);
        assertEquals(List.of("out.txt"), data.get("state"));
        assertEquals(List.of("next.txt"), data.get("missing"));
        assertEquals(Map.of("out.txt", "rw-rw-r--"), data.get("stateModes"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pending.dir().resolve("state/out.txt"))),
                "the store's copy is private");

        Files.writeString(work.resolve("out.txt"), "1\n2\n3\n");
        Files.writeString(work.resolve("next.txt"), "4");
        StateFiles.restore(pending.dir(), work, data);
        assertEquals("1\n2\n", Files.readString(work.resolve("out.txt")));
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("out.txt"))));
        assertFalse(Files.exists(work.resolve("next.txt")));
        pending.abandon();
    }
}
