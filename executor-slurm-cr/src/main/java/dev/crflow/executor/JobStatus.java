package dev.crflow.executor;

/** What the driver learns about one job in one poll (the executor-neutral view of {@code JobPhase}). */
public enum JobStatus {
    /** Submitted, waiting for resources. */
    QUEUED,
    /** Its coordinator runs (it may be checkpointing: see the control directory). */
    RUNNING,
    /** Between two attempts of the same job (requeued after a checkpoint, or by Slurm after a node failure). */
    REQUEUED,
    /** Suspended by the scheduler. */
    SUSPENDED,
    /** The job is over; {@code result.json} says how the step ended (absent: the coordinator died: treat as lost). */
    ENDED,
    /** The job is gone without finishing the step (node failure, boot failure, vanished, cancelled from outside,
     *  timed out or preempted without requeue): the step restarts from its newest valid generation in a new job. */
    LOST,
    /** Cancelled by crflow itself. */
    CANCELLED,
    /** No reliable answer this time (squeue failed, state unknown): keep waiting, never conclude "dead". */
    UNKNOWN;

    public boolean terminal() { return this == ENDED || this == LOST || this == CANCELLED; }
}
