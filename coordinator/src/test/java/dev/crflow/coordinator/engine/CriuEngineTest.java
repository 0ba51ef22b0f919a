package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.ProcTable;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command lines the criu engine runs (a recording launcher; the real runs are in CriuEngineIT). */
class CriuEngineTest {
    @TempDir Path tmp;

    /** Records every command; answers like CRIU would. */
    static final class Recording implements ProcessLauncher {
        final List<List<String>> commands = new ArrayList<>();
        int restoredPid;
        boolean checkFails;

        @Override public AppProcess start(List<String> command, Map<String, String> env, Path workdir) {
            throw new UnsupportedOperationException();
        }

        @Override public CommandResult run(List<String> command, Map<String, String> env, Duration timeout) throws java.io.IOException {
            commands.add(command);
            if (command.contains("--version")) return new CommandResult(0, "Version: 4.2.1\n", "", false);
            if (command.contains("check")) {
                return checkFails ? new CommandResult(1, "", "Error (criu/kerndat.c:1615): kerndat_vdso_fill_symtable failed", false)
                        : new CommandResult(0, "Looks good.\n", "", false);
            }
            if (command.contains("restore")) {
                Files.writeString(Path.of(command.get(command.indexOf("--pidfile") + 1)), restoredPid + "\n");
            }
            return new CommandResult(0, "", "", false);
        }
    }

    static AppProcess app(int pgid) {
        return new AppProcess() {
            @Override public int pgid() { return pgid; }
            @Override public boolean isAlive() { return true; }
            @Override public OptionalInt waitFor(Duration timeout) { return OptionalInt.empty(); }
            @Override public boolean signalGroup(int signal) { return true; }
            @Override public boolean groupAlive() { return true; }
        };
    }

    /** A number no process here uses as pid, group or session. */
    static int freePid() { return freePidExcept(-1); }

    static int freePidExcept(int not) {
        for (int p = 4_000_000; p > 300_000; p -= 7919) if (p != not && ProcTable.firstTaken(List.of(p)).isEmpty()) return p;
        throw new AssertionError("no free pid number found");
    }

    EngineContext ctx() {
        return new EngineContext(null, ControlDir.of(tmp.resolve("ctl")), tmp, List.of("/bin/true"), Map.of(), null, s -> {});
    }

    @Test
    void aFailingCheckIsRefusedSayingWhatIsNeeded() {
        Recording r = new Recording();
        r.checkFails = true;
        EngineException e = assertThrows(EngineException.class, () -> new CriuEngine(r, "/opt/x/criu", false).check());
        assertTrue(e.getMessage().contains("4.1") && e.getMessage().contains("CRFLOW_CRIU") && e.getMessage().contains("kerndat"), e.getMessage());
        assertEquals("/opt/x/criu", r.commands.get(0).get(0));
    }

    @Test
    void criuComesFromCrflowCriuElsePath() {
        assertEquals("/opt/crflow-criu/criu", CriuEngine.locate(Map.of("CRFLOW_CRIU", "/opt/crflow-criu/criu")));
        assertEquals("criu", CriuEngine.locate(Map.of()));
    }

    @Test
    void aPeriodicDumpLeavesTheTreeRunningAndAStopDumpDoesNotAndCriuDiesWithTheCoordinator() throws Exception {
        Recording r = new Recording();
        CriuEngine e = new CriuEngine(r, "criu", false);
        int pg = freePid();
        ImageStore store = ImageStore.atDirectory(tmp.resolve("images"));
        Map<String, Object> data = e.checkpoint(ctx(), app(pg), store.begin("interval"), false, Deadline.in(Clock.systemUTC(), Duration.ofMinutes(1)));
        List<String> dump = r.commands.get(0);
        assertEquals(List.of("setpriv", "--pdeathsig", "KILL", "--", "criu", "dump", "-t", Integer.toString(pg)), dump.subList(0, 8));
        assertTrue(dump.contains("--leave-running"), dump.toString());
        assertEquals(List.of(pg), data.get("pids"));
        e.checkpoint(ctx(), app(pg), store.begin("signal"), true, Deadline.in(Clock.systemUTC(), Duration.ofMinutes(1)));
        assertFalse(r.commands.get(1).contains("--leave-running"), r.commands.get(1).toString());
        assertFalse(r.commands.get(1).contains("--unprivileged"));
    }

    @Test
    void restoreMakesTheTreeTheCoordinatorsChildAndUnprivilegedModeIsPassedOn() throws Exception {
        Recording r = new Recording();
        r.restoredPid = freePid();
        Files.createDirectories(tmp.resolve("ctl"));
        Manifest m = new Manifest(Manifest.FORMAT, 3, "criu", "4.2.1", "host", "1", 1, "signal", Instant.now(), 1,
                "crc32c", 0, List.of(), Map.of("dir", "criu", "pid", r.restoredPid, "pids", List.of(r.restoredPid)));
        AppProcess a = new CriuEngine(r, "criu", true).restart(ctx(), tmp.resolve("gen-000003"), m);
        List<String> restore = r.commands.get(0);
        assertEquals(List.of("criu", "restore", "--unprivileged"), restore.subList(0, 3));
        assertTrue(restore.containsAll(List.of("--restore-detached", "--restore-sibling")), restore.toString());
        assertEquals(tmp.resolve("gen-000003/criu").toString(), restore.get(restore.indexOf("-D") + 1));
        assertEquals(r.restoredPid, a.pgid());
    }

    @Test
    void anIncrementalGenerationRestoresOnlyWhenItsParentLinkLeadsToTheParentTheManifestNames() throws Exception {
        Path images = tmp.resolve("images");
        for (String g : List.of("gen-000001", "gen-000002", "gen-000003")) Files.createDirectories(images.resolve(g).resolve("criu"));
        Manifest m = new Manifest(Manifest.FORMAT, 3, "criu", "4.2.1", "host", "1", 1, "interval", Instant.now(), 1, "CRC32C", 0,
                List.of(), Map.of(), "6.18", java.util.Optional.of(2), true);
        Path gen3 = images.resolve("gen-000003");
        EngineException none = assertThrows(EngineException.class, () -> CriuEngine.checkParentLink(gen3, m));
        assertTrue(none.getMessage().contains("generation 2"), none.getMessage());
        Files.createSymbolicLink(gen3.resolve("criu/parent"), Path.of("../../gen-000001/criu"));
        assertThrows(EngineException.class, () -> CriuEngine.checkParentLink(gen3, m));
        Files.delete(gen3.resolve("criu/parent"));
        Files.createSymbolicLink(gen3.resolve("criu/parent"), Path.of("../../gen-000002/criu"));
        CriuEngine.checkParentLink(gen3, m);
        assertEquals(8, CriuEngine.chainDepth(m), "a parent without a recorded depth counts as a full chain: the next dump is full");
    }

    @Test
    void aRestoreUnderAnotherPidIsRefused() throws Exception {
        Recording r = new Recording();
        int dumped = freePid();
        r.restoredPid = freePidExcept(dumped); // (the engine kills what it restored under a wrong pid: never a real one here)
        Files.createDirectories(tmp.resolve("ctl"));
        Manifest m = new Manifest(Manifest.FORMAT, 2, "criu", "4.2.1", "host", "1", 1, "signal", Instant.now(), 1,
                "crc32c", 0, List.of(), Map.of("pid", dumped));
        EngineException e = assertThrows(EngineException.class, () -> new CriuEngine(r, "criu", false).restart(ctx(), tmp, m));
        assertTrue(e.getMessage().contains("not " + dumped), e.getMessage());
    }

    @Test
    void criusOwnErrorLinesAreWhatAFailureSays() throws Exception {
        Path log = tmp.resolve("restore.log");
        Files.writeString(log, "(00.01) info\nError (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self\n"
                + "Error (criu/cr-restore.c:1237): Can't fork for 4242: File exists\n"
                + "    20208: Error (criu/files-reg.c:2294): File x has bad mode 0100600 (expect 0100644)\n"
                + "Error (criu/cr-restore.c:2331): Restoring FAILED.\n");
        assertEquals("Error (criu/cr-restore.c:1237): Can't fork for 4242: File exists"
                        + " | 20208: Error (criu/files-reg.c:2294): File x has bad mode 0100600 (expect 0100644)",
                CriuEngine.lastErrors(log, "out"));
        assertEquals("out", CriuEngine.lastErrors(tmp.resolve("none.log"), "out"));
    }
}
