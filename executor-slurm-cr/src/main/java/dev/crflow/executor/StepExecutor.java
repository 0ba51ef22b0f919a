package dev.crflow.executor;

import dev.crflow.executor.control.StepControlDir;

import java.util.Map;

/**
 * Runs steps' coordinators somewhere: on Slurm ({@code SlurmStepExecutor}) or as local processes
 * ({@code LocalStepExecutor}). The driver (crflow run, the Nextflow and Snakemake bridges) talks only to this.
 */
public interface StepExecutor extends AutoCloseable {

    String name();

    /** Checks the executor can work at all (e.g. Slurm answers); the message says what to do otherwise. */
    void check() throws ExecutorException;

    /**
     * Writes spec.json and the script, records the intent, and submits, or, when an earlier driver recorded an
     * intent for this very attempt, adopts the job it submitted. Never submits the same attempt twice.
     */
    JobHandle submit(StepLaunch launch) throws ExecutorException;

    /** Reattaches to a job recorded in the step's {@code job.json} by an earlier driver. */
    JobHandle reattach(StepLaunch launch, dev.crflow.executor.control.JobRecord record);

    /** Observes every given job with one queue query. Never throws; failures are {@link JobStatus#UNKNOWN}. */
    Map<JobHandle, JobObservation> observe(Map<JobHandle, StepControlDir> jobs);

    /** Cancels a job (no checkpoint). */
    void cancel(JobHandle job) throws ExecutorException;

    @Override
    default void close() {}
}
