package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.ControlDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
}
