package dev.crflow.coordinator.container;

/**
 * What is wrong with a step's container before anything is submitted. The front ends map {@link Kind}
 * to their exit codes: a wrong reference or runtime name is invalid input (2), a runtime that is not
 * installed is an environment problem (3).
 */
public record ContainerProblem(Kind kind, String message) {
    public enum Kind {
        /** The runtime name is not one crflow knows. */
        UNKNOWN_RUNTIME,
        /** The image reference cannot be what the runtime expects. */
        MALFORMED_REFERENCE,
        /** A mount is not {@code /host:/container[:ro]}. */
        MALFORMED_MOUNT,
        /** An apptainer image file that does not exist. */
        IMAGE_FILE_MISSING,
        /** The runtime's command is not on PATH. */
        RUNTIME_MISSING;

        public boolean environment() { return this == RUNTIME_MISSING; }
    }
}
