package dev.crflow.executor.slurm;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The Slurm commands crflow uses. {@link SlurmCli} runs the real ones; tests fake the process runner. */
public interface SlurmClient {

    /** {@code sbatch --parsable [args] script}: the job id. Never retried blindly (see {@link SubmitLedger}). */
    String submit(Path script, List<String> arguments) throws SlurmException;

    /** ONE {@code squeue} for all jobs of the query. Never throws: a failed call is an unknown snapshot. */
    QueueSnapshot queue(QueueQuery query);

    /** {@code scontrol show job}: empty when Slurm says the id is invalid (it forgot the job or never had it). */
    Optional<JobDetails> showJob(String jobId) throws SlurmException;

    /** Ends the job for good: {@code scontrol hold}, {@code scontrol update Requeue=0} (so the coordinator cannot requeue itself on scancel's SIGTERM), {@code scancel}. */
    void cancel(String jobId) throws SlurmException;

    /** {@code scancel --batch -s SIG ID} (batchOnly) or {@code scancel -s SIG ID}: e.g. the warning signal on demand. */
    void signal(String jobId, String signal, boolean batchOnly) throws SlurmException;

    /** {@code scontrol requeue ID}. */
    void requeue(String jobId) throws SlurmException;

    /** {@code scontrol update JobId=ID StartTime=now}: ends the ~120 s hold Slurm puts on a requeued job. */
    void releaseRequeueHold(String jobId) throws SlurmException;

    /** {@code scontrol update JobId=ID ExcNodeList=a,b}: keep a (pending) job off nodes it was lost on. */
    void excludeNodes(String jobId, Collection<String> nodes) throws SlurmException;

    /** Whether {@code sacct} answers (needs slurmdbd); callers use it only then. */
    boolean accountingAvailable();

    /** {@code sinfo}: throws with a message saying what to check when the controller does not answer. */
    void ping() throws SlurmException;
}
