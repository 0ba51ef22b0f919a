package dev.crflow.coordinator.container;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContainerEngineTest {
    @Test
    void theLoggedCommandIsWhatAShellWouldNeed() {
        assertEquals("podman run -e 'SLURM_*' /bin/bash -c 'bash count.sh 1 '\\''x'\\'''",
                ContainerEngine.display(List.of("podman", "run", "-e", "SLURM_*", "/bin/bash", "-c", "bash count.sh 1 'x'")));
    }
}
