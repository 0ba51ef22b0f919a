package dev.crflow.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exit codes and messages of container-check and of the pre-submission gate of crflow run (no runtime is started). */
class ContainerCheckCommandTest {
    @TempDir Path tmp;

    @Test
    void malformedReferenceIsInvalidInput() {
        CliRun r = CliRun.of("container-check", "Bad::", "--runtime", "podman");
        assertEquals(ExitCodes.INVALID_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("'::' is not a tag separator") && r.err().contains("e.g."), r.err());
    }

    @Test
    void unknownRuntimeOrEngineIsInvalidInput() {
        assertEquals(ExitCodes.INVALID_INPUT, CliRun.of("container-check", "sim:1", "--runtime", "docker").exitCode());
        assertEquals(ExitCodes.INVALID_INPUT, CliRun.of("container-check", "sim:1", "--runtime", "podman", "--engine", "blcr").exitCode());
    }

    @Test
    void shifterAwayFromNerscIsAnEnvironmentProblemThatSaysSo() {
        CliRun r = CliRun.of("container-check", "docker:mtimalsina/geant4_dmtcp:Dec2023", "--runtime", "shifter", "--engine", "dmtcp");
        assertEquals(ExitCodes.ENVIRONMENT, r.exitCode(), r.err());
        assertTrue(r.err().contains("'shifter' is not installed here") && r.err().contains("Perlmutter"), r.err());
        CliRun json = CliRun.of("container-check", "mtimalsina/geant4_dmtcp:Dec2023", "--runtime", "podman-hpc", "--json");
        assertEquals(ExitCodes.ENVIRONMENT, json.exitCode());
        assertTrue(json.out().contains("\"verdict\" : \"MISSING\"") && json.out().contains("\"ok\" : false"), json.out());
    }

    @Test
    void runRefusesBeforeSubmittingAnything() throws Exception {
        Path wf = tmp.resolve("wf.groovy");
        Files.writeString(wf, "workflow('w') {\n  step('a') {\n    command 'true'\n    container('docker:ubuntu:22.04') { runtime 'shifter' }\n  }\n}\n");
        CliRun r = CliRun.of("run", wf.toString(), "--workdir", tmp.toString());
        assertEquals(ExitCodes.ENVIRONMENT, r.exitCode(), r.err());
        assertTrue(r.err().contains("wf.groovy:2: step 'a': container runtime 'shifter' is not installed"), r.err());
        assertFalse(Files.exists(tmp.resolve(".crflow")), "nothing created, nothing submitted");

        Files.writeString(wf, "workflow('w') {\n  step('a') {\n    command 'true'\n    container('Sim::1') { runtime 'podman' }\n  }\n}\n");
        CliRun bad = CliRun.of("run", wf.toString(), "--workdir", tmp.toString());
        assertEquals(ExitCodes.INVALID_INPUT, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("malformed podman image reference 'Sim::1'"), bad.err());
        assertFalse(Files.exists(tmp.resolve(".crflow")));
    }
}
