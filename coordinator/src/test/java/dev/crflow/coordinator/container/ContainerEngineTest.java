package dev.crflow.coordinator.container;

import dev.crflow.coordinator.engine.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContainerEngineTest {
    @TempDir Path tmp;

    @Test
    void theLoggedCommandIsWhatAShellWouldNeed() {
        assertEquals("podman run -e 'SLURM_*' /bin/bash -c 'bash count.sh 1 '\\''x'\\'''",
                ContainerEngine.display(List.of("podman", "run", "-e", "SLURM_*", "/bin/bash", "-c", "bash count.sh 1 'x'")));
    }

    @Test
    void theImagesAreThoseTheRestartScriptLists() throws Exception {
        Path dir = tmp.resolve(".partial-dmtcp");
        Files.createDirectories(dir);
        for (String f : List.of("ckpt_dash_1.dmtcp", "ckpt_bash_2.dmtcp", "ckpt_sleep_3.dmtcp")) Files.writeString(dir.resolve(f), "x");
        Files.writeString(dir.resolve("dmtcp_restart_script_1.sh"), "#!/bin/bash\nx=1\ngiven_ckpt_files=\" /elsewhere/.partial-dmtcp/ckpt_dash_1.dmtcp "
                + "/elsewhere/.partial-dmtcp/ckpt_bash_2.dmtcp\"\n");
        assertEquals(List.of("ckpt_bash_2.dmtcp", "ckpt_dash_1.dmtcp"), ContainerEngine.imagesOfThisCheckpoint(dir),
                "a process that ended before the checkpoint is not part of it");
        Files.delete(dir.resolve("ckpt_bash_2.dmtcp"));
        assertThrows(EngineException.class, () -> ContainerEngine.imagesOfThisCheckpoint(dir));
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        assertThrows(EngineException.class, () -> ContainerEngine.imagesOfThisCheckpoint(empty));
    }
}
