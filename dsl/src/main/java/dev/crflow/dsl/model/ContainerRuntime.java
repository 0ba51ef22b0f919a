package dev.crflow.dsl.model;

/** Container runtimes crflow can render. DSL spelling: {@code runtime 'podman-hpc'} etc. */
public enum ContainerRuntime {
    SHIFTER("shifter"), PODMAN_HPC("podman-hpc"), PODMAN("podman"), APPTAINER("apptainer");

    private final String dslName;
    ContainerRuntime(String dslName) { this.dslName = dslName; }
    public String dslName() { return dslName; }

    public static java.util.Optional<ContainerRuntime> fromDsl(String name) {
        for (ContainerRuntime r : values()) if (r.dslName.equals(name)) return java.util.Optional.of(r);
        return java.util.Optional.empty();
    }
}
