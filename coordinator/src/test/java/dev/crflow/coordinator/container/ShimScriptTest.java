package dev.crflow.coordinator.container;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shim on the host's /bin/sh (dash on Debian: POSIX, no bashisms): the verbs that need no container.
 * Inside real containers it is exercised by the podman ITs.
 */
class ShimScriptTest {
    @TempDir Path tmp;

    private Path install() throws IOException {
        return Shim.install(tmp.resolve("container")).resolve(Shim.RESOURCE);
    }

    private static List<String> onHost(Path shim, List<String> inContainerArgv) {
        List<String> cmd = new ArrayList<>(inContainerArgv);
        cmd.set(1, shim.toString());
        return cmd;
    }

    @Test
    void installedOwnerOnlyAndReadOnly() throws IOException {
        Path shim = install();
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shim)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shim.getParent())));
        install(); // reinstall over the read-only file: temp + rename
    }

    @Test
    void isPosixShell() throws Exception {
        Path shim = install();
        assertEquals(0, new ProcessBuilder("/bin/sh", "-n", shim.toString()).inheritIO().start().waitFor());
        assertTrue(Files.readString(shim).startsWith("#!/bin/sh\n"));
    }

    @Test
    void checkReportsKeyValueLines() throws Exception {
        Path shim = install();
        CommandResult r = CommandRunner.system().run(onHost(shim, Shim.check("none")), Map.of(), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.stderr());
        Map<String, String> facts = ImageCheck.parseFacts(r.stdout());
        assertEquals("yes", facts.get("ok"));
        assertEquals("1", facts.get("shim.version"));
        CommandResult dm = CommandRunner.system().run(onHost(shim, Shim.check("dmtcp")), Map.of("PATH", "/usr/bin:/bin", "DMTCP_HOME", "/nonexistent"), Duration.ofSeconds(20));
        Map<String, String> f = ImageCheck.parseFacts(dm.stdout());
        if (Files.isExecutable(Path.of("/opt/dmtcp/bin/dmtcp_launch"))) {
            assertEquals(0, dm.exitCode(), dm.stdout());
            assertEquals("/opt/dmtcp/bin/dmtcp_launch", f.get("dmtcp_launch"));
        } else {
            assertEquals(Shim.EXIT_MISSING_TOOL, dm.exitCode());
            assertTrue(f.get("missing").contains("dmtcp_launch"));
        }
    }

    @Test
    void execPassesArgumentsVerbatimAndWritesTheMarker() throws Exception {
        Path shim = install();
        Path marker = tmp.resolve("exit-marker");
        Path out = tmp.resolve("out");
        List<String> app = List.of("/bin/sh", "-c", "printf '%s|' \"$@\" > \"$0\"; exit 7", out.toString(), "a b", "$HOME", "'q'", "");
        CommandResult r = CommandRunner.system().run(onHost(shim, Shim.exec(java.util.Optional.of(marker.toString()), app)), Map.of(), Duration.ofSeconds(20));
        assertEquals(7, r.exitCode(), r.stderr());
        assertEquals("a b|$HOME|'q'||", Files.readString(out));
        assertEquals("7", Files.readString(marker).trim());
    }

    @Test
    void execSurvivesTheGroupSignalAndReportsTheApplicationsStatus() throws Exception {
        // without a PID namespace the coordinator's kill(-pgid) reaches the shim and the application alike
        Path shim = install();
        Path marker = tmp.resolve("exit-marker");
        Path saved = tmp.resolve("saved");
        Path started = tmp.resolve("started");
        String app = "trap 'echo saved > " + saved + "; exit 0' USR1; : > " + started + "; while :; do sleep 0.1; done";
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(onHost(shim, Shim.exec(java.util.Optional.of(marker.toString()), List.of("/bin/sh", "-c", app))));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        for (int i = 0; i < 100 && !Files.exists(started); i++) Thread.sleep(50);
        assertTrue(Files.exists(started));
        assertEquals(0, new ProcessBuilder("kill", "-USR1", "--", "-" + p.pid()).start().waitFor());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals("saved", Files.readString(saved).trim());
        assertEquals("0", Files.readString(marker).trim());
    }

    @Test
    void usageAndMissingCoordinatorHaveTheirOwnExitCodes() throws Exception {
        Path shim = install();
        assertEquals(Shim.EXIT_USAGE, CommandRunner.system().run(List.of("/bin/sh", shim.toString(), "frobnicate"), Map.of(), Duration.ofSeconds(10)).exitCode());
        assertEquals(Shim.EXIT_USAGE, CommandRunner.system().run(List.of("/bin/sh", shim.toString(), "exec", "--"), Map.of(), Duration.ofSeconds(10)).exitCode());
        if (Files.isExecutable(Path.of("/opt/dmtcp/bin/dmtcp_command"))) {
            CommandResult r = CommandRunner.system().run(onHost(shim, Shim.dmtcpCheckpoint(tmp.resolve("run").toString())), Map.of(), Duration.ofSeconds(10));
            assertEquals(Shim.EXIT_NO_COORDINATOR, r.exitCode(), r.stderr());
        }
    }
}
