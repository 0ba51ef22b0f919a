package dev.crflow.executor.slurm;

/** A Slurm command failed. {@link #isTransient()}: worth retrying (controller busy or unreachable, timeout). */
public class SlurmException extends Exception {
    private final boolean transientFailure;

    public SlurmException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    public SlurmException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() { return transientFailure; }
}
