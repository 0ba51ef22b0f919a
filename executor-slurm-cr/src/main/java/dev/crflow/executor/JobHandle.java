package dev.crflow.executor;

/**
 * A submitted job: what survives in {@code job.json} and lets a restarted driver reattach.
 *
 * @param jobId    Slurm's id, or {@code local-…}
 * @param jobName  the run-unique name
 * @param attempt  the driver's submission count for the step (1 = first job)
 * @param stepName the step
 */
public record JobHandle(String jobId, String jobName, int attempt, String stepName) {}
