package dev.crflow.executor;

import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs steps' coordinators somewhere: on Slurm ({@code SlurmStepExecutor}) or as local processes
 * ({@code LocalStepExecutor}). The driver (crflow run, the Nextflow and Snakemake bridges) talks only to this,
 * through {@code StepLifecycle}.
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

    /**
     * Several steps at once (e.g. {@code crflow rerun --failed}): on Slurm ONE job array, its intent recorded in
     * {@code arrayDir}; elsewhere one submission per step. Handles in the order of {@code launches}.
     */
    default List<JobHandle> submitArray(List<StepLaunch> launches, String arrayName, Path arrayDir) throws ExecutorException {
        List<JobHandle> out = new ArrayList<>();
        for (StepLaunch l : launches) out.add(submit(l));
        return out;
    }

    /** Reattaches to a job recorded in the step's {@code job.json} by an earlier driver. */
    JobHandle reattach(StepLaunch launch, JobRecord record);

    /**
     * Observes every given job with one queue query. Never throws; failures are {@link JobStatus#UNKNOWN}. Never acts:
     * what needs doing is in {@link JobObservation#wanted()}.
     */
    Map<JobHandle, JobObservation> observe(Map<JobHandle, StepControlDir> jobs);

    /** Cancels a job (no checkpoint). */
    void cancel(JobHandle job) throws ExecutorException;

    /** Releases the hold Slurm puts on a requeued job; nothing to do where there is no such hold. */
    default void releaseRequeueHold(String jobId) throws ExecutorException {}

    /** Keeps a requeued job off these nodes; nothing to do where there are no nodes to choose. */
    default void excludeNodes(String jobId, List<String> nodes) throws ExecutorException {}

    @Override
    default void close() {}
}
