package dev.crflow.dsl.model;

import java.util.List;

/**
 * A step's container: the engine (DMTCP or the application) runs inside it, the coordinator outside.
 *
 * @param image   image reference as written, e.g. "docker:mtimalsina/geant4_dmtcp:Dec2023" or "localhost/sim:1"
 * @param mounts  "host:container[:options]" bind mounts
 * @param modules shifter/podman-hpc modules (e.g. "cvmfs")
 */
public record ContainerSpec(String image, ContainerRuntime runtime, List<String> mounts, List<String> modules) {
    public ContainerSpec {
        mounts = List.copyOf(mounts);
        modules = List.copyOf(modules);
    }
}
