package dev.crflow.coordinator.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DmtcpEngineTest {
    @TempDir Path dir;

    @Test
    void statusIsParsedByKeyNotByWordPosition() {
        String out = "Coordinator:\n  Host: localhost\n  Port: 33871\nStatus...\n  NUM_PEERS=3\n  RUNNING=yes\n  CKPT_INTERVAL=0 (checkpoint manually)\n";
        Map<String, String> m = DmtcpOutput.parseStatus(out);
        assertEquals("3", m.get("NUM_PEERS"));
        assertEquals("yes", m.get("RUNNING"));
    }

    @Test
    void versionFromTheFirstDmtcpLine() {
        assertEquals(Optional.of("5.0"), DmtcpOutput.parseVersion("dmtcp_launch (DMTCP) 5.0\nLicense LGPLv3+"));
        assertEquals(Optional.of("3.0.0"), DmtcpOutput.parseVersion("dmtcp_launch (DMTCP) 3.0.0\n"));
        assertEquals(Optional.of("2.6.1"), DmtcpOutput.parseVersion("DMTCP 2.6.1 (something 9.9)"));
    }

    @Test
    void imagesComeFromDmtcpsOwnRestartScript() throws Exception {
        Files.writeString(dir.resolve("dmtcp_restart_script_abc.sh"), "given_ckpt_files=\"\"\nworker_ckpts='\n"
                + " /x/.partial-dmtcp/ckpt_bash_1-40000-a.dmtcp /x/.partial-dmtcp/ckpt_sleep_1-41000-b.dmtcp\n'\n");
        assertEquals(Optional.of(List.of("ckpt_bash_1-40000-a.dmtcp", "ckpt_sleep_1-41000-b.dmtcp")),
                DmtcpCheckpointFiles.imagesInRestartScript(dir));
    }

    @Test
    void notFoundIsEmpty() {
        assertEquals(Optional.empty(), DmtcpInstall.locate(Map.of("PATH", dir.toString(), "DMTCP_HOME", dir.toString()), List.of()));
    }

    @Test
    void aCheckpointIsCompleteOnlyWhenTheRestartScriptListsExactlyTheImagesThere() throws Exception {
        Deadline soon = Deadline.in(java.time.Clock.systemUTC(), java.time.Duration.ofMillis(300));
        EngineException none = org.junit.jupiter.api.Assertions.assertThrows(EngineException.class,
                () -> DmtcpCheckpointFiles.awaitComplete(dir, soon, "--bcheckpoint", true));
        org.junit.jupiter.api.Assertions.assertTrue(none.getMessage().contains("no image was written"), none.getMessage());

        Files.writeString(dir.resolve("ckpt_a_1.dmtcp.temp"), "x");
        org.junit.jupiter.api.Assertions.assertFalse(DmtcpCheckpointFiles.in(dir).complete(false), "half-written");
        Files.move(dir.resolve("ckpt_a_1.dmtcp.temp"), dir.resolve("ckpt_a_1.dmtcp"));
        org.junit.jupiter.api.Assertions.assertFalse(DmtcpCheckpointFiles.in(dir).complete(true), "no restart script yet");
        org.junit.jupiter.api.Assertions.assertTrue(DmtcpCheckpointFiles.in(dir).complete(false),
                "after a checkpoint-and-kill the processes' exit vouches for the images (DMTCP 3.2 writes no script then)");

        // DMTCP 4.2: the command returned, the script and the last image arrive a moment later
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(200);
                Files.writeString(dir.resolve("ckpt_b_2.dmtcp"), "y");
                Files.writeString(dir.resolve("dmtcp_restart_script_x.sh"), "worker_ckpts='\n /d/ckpt_a_1.dmtcp\n /d/ckpt_b_2.dmtcp\n'\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        late.start();
        java.util.List<String> images = DmtcpCheckpointFiles.awaitComplete(dir,
                Deadline.in(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(30)), "--bcheckpoint", true);
        late.join();
        assertEquals(java.util.List.of("ckpt_a_1.dmtcp", "ckpt_b_2.dmtcp"), images);
    }
    /** dmtcp_command's misleading words for a refused checkpoint-and-kill (DMT_COORD_NOT_RUNNING), in 3.2, 4.2 and 5.0. */
    @Test
    void aKillRequestRefusedAsNotRunningIsToldFromOneThatStarted() {
        var refused = new dev.crflow.coordinator.proc.ProcessLauncher.CommandResult(2, "Computation was checkpointed and killed.\n", "", false);
        var noCoordinator = new dev.crflow.coordinator.proc.ProcessLauncher.CommandResult(2, "", "Coordinator not found. Please check port and host.", false);
        var started = new dev.crflow.coordinator.proc.ProcessLauncher.CommandResult(0, "", "", false);
        assertTrue(DmtcpOutput.refusedAsNotRunning(refused));
        assertFalse(DmtcpOutput.refusedAsNotRunning(noCoordinator));
        assertFalse(DmtcpOutput.refusedAsNotRunning(started));
    }
}
