package dev.crflow.executor.slurm;

/** What a Slurm state means to a driver that wants the step to finish. */
public enum JobPhase {
    /** Waiting for resources (or held): leave it. */
    QUEUED(false),
    /** Allocated and running (or finishing/starting on its node). */
    RUNNING(false),
    /** Between two attempts of the same job id (requeued, in the requeue hold). */
    REQUEUED(false),
    /** Stopped by the scheduler or an admin; resumes on its own. */
    SUSPENDED(false),
    /** The batch script ended with exit 0; the control directory says whether the step completed. */
    ENDED(true),
    /** The batch script failed (exit code, out of memory, deadline, held after a special exit). */
    FAILED(true),
    /** The job died with its node, or was preempted/timed out without requeue: restart it from its last image. */
    LOST(true),
    /** Cancelled (by us or by someone else). */
    CANCELLED(true),
    /** Slurm's answer could not be read or the state is one we do not know: never treated as dead. */
    UNKNOWN(false);

    private final boolean terminal;

    JobPhase(boolean terminal) { this.terminal = terminal; }

    public boolean terminal() { return terminal; }
}
