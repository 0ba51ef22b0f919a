package dev.crflow.coordinator.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** State files under CRIU: the post-dump script, run here as CRIU would run it, and the put-back on restore. */
class CriuStateFilesTest {
    @TempDir Path tmp;

    @Test
    void namesOutsideTheWorkdirOrOnSeveralLinesAreRefused() {
        for (String bad : List.of("/etc/passwd", "../x", "a\nb", " ")) {
            assertThrows(EngineException.class, () -> new CriuStateFiles(List.of(bad)).check(), bad);
        }
    }

    @Test
    void thePostDumpScriptCopiesTheDeclaredFilesPrivatelyAndTheRestorePutsThemBackWithTheirModes() throws Exception {
        Path ctl = Files.createDirectories(tmp.resolve("ctl"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path gen = Files.createDirectories(tmp.resolve("gen"));
        Files.writeString(work.resolve("out.txt"), "1\n2\n");
        Files.setPosixFilePermissions(work.resolve("out.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(work.resolve("logs dir"));
        Files.writeString(work.resolve("logs dir/a 'b'.log"), "x\n");
        CriuStateFiles s = new CriuStateFiles(List.of("out.txt", "logs dir", "never-written.txt"));
        List<String> args = new ArrayList<>();
        Map<String, String> env = s.prepare(ctl, work, gen, args);
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

        Map<String, Object> data = new LinkedHashMap<>();
        s.record(gen, work, data);
        assertEquals(List.of("out.txt", "logs dir"), data.get("state"));
        assertEquals(List.of("never-written.txt"), data.get("stateMissing"));

        // later: the application appended, and created the file that did not exist at the dump
        Files.writeString(work.resolve("out.txt"), "1\n2\n3\n");
        Files.writeString(work.resolve("never-written.txt"), "late\n");
        CriuStateFiles.restore(gen, work, data);
        assertEquals("1\n2\n", Files.readString(work.resolve("out.txt")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("out.txt"))),
                "CRIU refuses a file whose mode changed");
        assertFalse(Files.exists(work.resolve("never-written.txt")));
        assertTrue(Files.exists(work.resolve("logs dir/a 'b'.log")));
    }
}
