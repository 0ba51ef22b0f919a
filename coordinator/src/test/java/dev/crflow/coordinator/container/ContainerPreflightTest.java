package dev.crflow.coordinator.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerPreflightTest {
    @TempDir Path tmp;

    private Path fakeBin(String... commands) throws IOException {
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        for (String c : commands) {
            Path p = bin.resolve(c);
            Files.writeString(p, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
        return bin;
    }

    @Test
    void missingRuntimeIsAnEnvironmentProblemThatSaysWhatToDo() throws IOException {
        Path bin = fakeBin("podman");
        List<ContainerProblem> p = ContainerPreflight.check("shifter", "docker:ubuntu:22.04", List.of(), bin.toString(), true);
        assertEquals(1, p.size());
        assertEquals(ContainerProblem.Kind.RUNTIME_MISSING, p.get(0).kind());
        assertTrue(p.get(0).kind().environment());
        assertTrue(p.get(0).message().contains("shifter") && p.get(0).message().contains("Perlmutter"), p.get(0).message());
        assertTrue(ContainerPreflight.check("podman", "localhost/sim:1", List.of(), bin.toString(), true).isEmpty());
    }

    @Test
    void renderingOnlyDoesNotAskForTheRuntime() {
        assertTrue(ContainerPreflight.check("shifter", "docker:ubuntu:22.04", List.of(), "/nonexistent", false).isEmpty());
    }

    @Test
    void everyWrittenProblemAtOnce() {
        List<ContainerProblem> p = ContainerPreflight.check("podman", "Bad Image", List.of("rel:/x", "/ok"), "/nonexistent", true);
        assertEquals(List.of(ContainerProblem.Kind.MALFORMED_REFERENCE, ContainerProblem.Kind.MALFORMED_MOUNT, ContainerProblem.Kind.RUNTIME_MISSING),
                p.stream().map(ContainerProblem::kind).toList());
        assertEquals(ContainerProblem.Kind.UNKNOWN_RUNTIME, ContainerPreflight.check("docker", "x", List.of(), "", true).get(0).kind());
    }

    @Test
    void apptainerImageFileMustExist() throws IOException {
        Path bin = fakeBin("apptainer");
        Path sif = tmp.resolve("sim.sif");
        assertEquals(ContainerProblem.Kind.IMAGE_FILE_MISSING,
                ContainerPreflight.check("apptainer", sif.toString(), List.of(), bin.toString(), true).get(0).kind());
        Files.writeString(sif, "x");
        assertTrue(ContainerPreflight.check("apptainer", sif.toString(), List.of(), bin.toString(), true).isEmpty());
    }
}
