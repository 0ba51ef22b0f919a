package dev.crflow.coordinator.slurm;

/**
 * Why Slurm is ending the job the coordinator runs in, as far as Slurm says when SIGTERM arrives
 * (see {@link JobEndingClassifier} for what each case looks like on the wire).
 */
public enum JobEnding {
    /** A user (or admin) ran a plain {@code scancel}: the step ends for good. */
    CANCELLED,
    /** A higher-priority job preempts this one (REQUEUE or CANCEL mode): checkpoint and come back. */
    PREEMPTED,
    /** The time limit is reached: checkpoint and requeue (the warning signal normally came first). */
    WALLTIME,
    /** A node of the job failed: Slurm requeues or ends the job; checkpoint if possible and requeue. */
    NODE_FAILURE,
    /** Slurm (or an admin's {@code scontrol requeue}) is already putting the job back in the queue. */
    REQUEUED,
    /** Slurm did not answer, or the job is not ending (e.g. {@code scancel -s TERM}): treated as preemption. */
    UNKNOWN;

    /** Everything but a cancel keeps the step alive: checkpoint, requeue, resume. */
    public boolean resumes() { return this != CANCELLED; }
}
