package dev.crflow.coordinator.container;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageReferenceTest {

    @Test
    void acceptsWhatEachRuntimeTakes() {
        for (String ok : List.of("mtimalsina/geant4_dmtcp:Dec2023", "docker:mtimalsina/geant4_dmtcp:9Nov2023", "ubuntu", "custom:my/img:1",
                "id:0123456789abcdef")) {
            assertEquals(ok, ImageReference.parse(RuntimeKind.SHIFTER, ok).text());
        }
        for (String ok : List.of("localhost/sim:1", "docker.io/library/debian:12", "registry.nersc.gov/m4385/env:cuda-dev",
                "host:5000/a/b:c", "docker://quay.io/x/y:z", "debian@sha256:" + "a".repeat(64), "mtimalsina/geant4_dmtcp:Dec2023")) {
            assertFalse(ImageReference.parse(RuntimeKind.PODMAN, ok).local(), ok);
            ImageReference.parse(RuntimeKind.PODMAN_HPC, ok);
        }
        assertTrue(ImageReference.parse(RuntimeKind.APPTAINER, "/scratch/me/sim.sif").local());
        assertTrue(ImageReference.parse(RuntimeKind.APPTAINER, "./sim.sif").local());
        assertFalse(ImageReference.parse(RuntimeKind.APPTAINER, "docker://mtimalsina/geant4_dmtcp:Dec2023").local());
        assertFalse(ImageReference.parse(RuntimeKind.APPTAINER, "library://sylabs/default/alpine:3").local());
    }

    @Test
    void rejectsMalformedReferencesSayingWhatToWrite() {
        record Bad(RuntimeKind rt, String ref, String says) {}
        for (Bad b : List.of(
                new Bad(RuntimeKind.PODMAN, "", "empty"),
                new Bad(RuntimeKind.PODMAN, "Mtimalsina/Geant4", "lower case"),
                new Bad(RuntimeKind.PODMAN, "sim:", "tag after ':' is empty"),
                new Bad(RuntimeKind.PODMAN, "sim::1", "'::'"),
                new Bad(RuntimeKind.PODMAN, "--privileged", "would be read as an option"),
                new Bad(RuntimeKind.PODMAN, "sim 1", "whitespace"),
                new Bad(RuntimeKind.PODMAN, "oci-archive://x", "docker://"),
                new Bad(RuntimeKind.PODMAN_HPC, "a//b", "[registry/]repository"),
                new Bad(RuntimeKind.SHIFTER, "docker://ubuntu:22.04", "not a URL"),
                new Bad(RuntimeKind.SHIFTER, "id:xyz", "hexadecimal"),
                new Bad(RuntimeKind.APPTAINER, "geant4_dmtcp", "SIF file path"),
                new Bad(RuntimeKind.APPTAINER, "ftp://x/y.sif", "unknown scheme"))) {
            MalformedImageReferenceException e = assertThrows(MalformedImageReferenceException.class, () -> ImageReference.parse(b.rt(), b.ref()), b.ref());
            assertTrue(e.getMessage().contains(b.says()), e.getMessage());
            assertTrue(e.getMessage().contains("e.g.") || e.getMessage().contains("write it as"), e.getMessage());
        }
    }

    @Test
    void runtimeNamesInBothSpellings() {
        assertEquals(RuntimeKind.PODMAN_HPC, RuntimeKind.parse("podman-hpc").orElseThrow());
        assertEquals(RuntimeKind.PODMAN_HPC, RuntimeKind.parse("PODMAN_HPC").orElseThrow());
        assertEquals(RuntimeKind.APPTAINER, RuntimeKind.parse("singularity").orElseThrow());
        assertTrue(RuntimeKind.parse("docker").isEmpty());
    }

    @Test
    void mounts() {
        assertEquals(new Bind("/opt/dmtcp", "/opt/dmtcp", true), Bind.parse("/opt/dmtcp:/opt/dmtcp:ro"));
        assertEquals(new Bind("/cvmfs", "/cvmfs", false), Bind.parse("/cvmfs"));
        assertEquals(new Bind("/data", "/data", true), Bind.parse("/data:ro"));
        assertEquals(new Bind("/a", "/b", false), Bind.parse("/a:/b"));
        assertThrows(IllegalArgumentException.class, () -> Bind.parse("data:/data"));
        assertEquals("/a:/b:ro,z", Bind.parse("/a:/b:ro,z").render());
        assertThrows(IllegalArgumentException.class, () -> Bind.parse("/a:/b:r x"));
        assertThrows(IllegalArgumentException.class, () -> Bind.parse("/a,b:/b"));
    }
}
