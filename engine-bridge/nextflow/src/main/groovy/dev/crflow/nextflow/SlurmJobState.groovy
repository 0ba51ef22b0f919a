package dev.crflow.nextflow

import groovy.transform.CompileStatic

/**
 * Slurm's compact job state codes (squeue %t) and what each means for a checkpointable task.
 * Every code Slurm 22.05+ prints is listed: an unlisted code is {@link Phase#UNKNOWN}, never "dead".
 * <p>
 * Adapter until executor-slurm-cr's shared state enum lands on main; the mapping is the same contract.
 */
@CompileStatic
enum SlurmJobState {
    BF('BOOT_FAIL', Phase.FAILED),
    CA('CANCELLED', Phase.FAILED),
    CD('COMPLETED', Phase.FINISHED),
    CF('CONFIGURING', Phase.PENDING),
    CG('COMPLETING', Phase.RUNNING),
    DL('DEADLINE', Phase.FAILED),
    F('FAILED', Phase.FAILED),
    NF('NODE_FAIL', Phase.REQUEUED),        // with --requeue Slurm puts the job back in the queue
    OOM('OUT_OF_MEMORY', Phase.FAILED),
    PD('PENDING', Phase.PENDING),
    PR('PREEMPTED', Phase.REQUEUED),        // not a failure: PreemptMode=REQUEUE brings it back
    R('RUNNING', Phase.RUNNING),
    RD('RESV_DEL_HOLD', Phase.HELD),
    RF('REQUEUE_FED', Phase.REQUEUED),
    RH('REQUEUE_HOLD', Phase.REQUEUED),
    RQ('REQUEUED', Phase.REQUEUED),
    RS('RESIZING', Phase.RUNNING),
    RV('REVOKED', Phase.FAILED),
    SI('SIGNALING', Phase.RUNNING),
    SE('SPECIAL_EXIT', Phase.HELD),
    SO('STAGE_OUT', Phase.RUNNING),
    ST('STOPPED', Phase.HELD),
    S('SUSPENDED', Phase.HELD),
    TO('TIMEOUT', Phase.FAILED)             // with a coordinator a timeout normally never reaches here: it requeues first

    /** What the driver does with a job in this state. */
    enum Phase {
        /** queued, not started yet (or started before and queued again after a requeue) */
        PENDING,
        RUNNING,
        /** on its way back to the queue: requeue, preemption, node failure */
        REQUEUED,
        /** held or suspended by someone: still the task's job, waits */
        HELD,
        /** left the queue; the control directory's result.json tells how it ended */
        FINISHED,
        FAILED,
        UNKNOWN

        boolean isActive() { this != FINISHED && this != FAILED }
    }

    final String longName
    final Phase phase

    SlurmJobState(String longName, Phase phase) {
        this.longName = longName
        this.phase = phase
    }

    static Phase phaseOf(String code) {
        final state = values().find { it.name() == code?.trim() || it.longName == code?.trim() }
        return state ? state.phase : Phase.UNKNOWN
    }
}
