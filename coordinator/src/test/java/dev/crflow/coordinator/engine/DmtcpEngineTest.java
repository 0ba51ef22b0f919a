package dev.crflow.coordinator.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DmtcpEngineTest {
    @TempDir Path dir;

    @Test
    void statusIsParsedByKeyNotByWordPosition() {
        String out = "Coordinator:\n  Host: localhost\n  Port: 33871\nStatus...\n  NUM_PEERS=3\n  RUNNING=yes\n  CKPT_INTERVAL=0 (checkpoint manually)\n";
        Map<String, String> m = DmtcpEngine.parseStatus(out);
        assertEquals("3", m.get("NUM_PEERS"));
        assertEquals("yes", m.get("RUNNING"));
    }

    @Test
    void versionFromTheFirstDmtcpLine() {
        assertEquals(Optional.of("5.0"), DmtcpEngine.parseVersion("dmtcp_launch (DMTCP) 5.0\nLicense LGPLv3+"));
        assertEquals(Optional.of("3.0.0"), DmtcpEngine.parseVersion("dmtcp_launch (DMTCP) 3.0.0\n"));
        assertEquals(Optional.of("2.6.1"), DmtcpEngine.parseVersion("DMTCP 2.6.1 (something 9.9)"));
    }

    @Test
    void imagesComeFromDmtcpsOwnRestartScript() throws Exception {
        Files.writeString(dir.resolve("dmtcp_restart_script_abc.sh"), "given_ckpt_files=\"\"\nworker_ckpts='\n"
                + " /x/.partial-dmtcp/ckpt_bash_1-40000-a.dmtcp /x/.partial-dmtcp/ckpt_sleep_1-41000-b.dmtcp\n'\n");
        assertEquals(Optional.of(List.of("ckpt_bash_1-40000-a.dmtcp", "ckpt_sleep_1-41000-b.dmtcp")),
                DmtcpEngine.imagesInRestartScript(dir));
    }

    @Test
    void notFoundIsEmpty() {
        assertEquals(Optional.empty(), DmtcpEngine.locate(Map.of("PATH", dir.toString(), "DMTCP_HOME", dir.toString()), List.of()));
    }
}
