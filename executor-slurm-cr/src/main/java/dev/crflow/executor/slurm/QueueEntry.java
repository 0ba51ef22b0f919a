package dev.crflow.executor.slurm;

import java.util.List;

/**
 * One job as one {@code squeue} line shows it.
 *
 * @param jobId    the job's own id ({@code %A}: unique per array element once it has one)
 * @param arrayJobId the array's id ({@code %F}), equal to jobId for plain jobs
 * @param arrayTask  the array index ({@code %K}), or "N/A"; a pending, unsplit array shows a range such as "0-3"
 * @param name     job name
 * @param state    mapped state
 * @param reason   Slurm's reason ({@code %r}), e.g. BeginTime during the requeue hold
 * @param nodes    allocated nodes, expanded from {@code %N} (empty while pending)
 */
public record QueueEntry(String jobId, String arrayJobId, String arrayTask, String name, SlurmState state,
                         String reason, List<String> nodes) {
    public QueueEntry {
        nodes = List.copyOf(nodes);
    }

    public JobPhase phase() { return state.phase(); }

    /** In the hold Slurm puts a requeued job in (~120 s by default), released with StartTime=now. */
    public boolean inRequeueHold() {
        return state == SlurmState.PENDING && "BeginTime".equalsIgnoreCase(reason)
                || state == SlurmState.REQUEUE_HOLD;
    }

    /** A plain job id or "array_index" when the entry is one array element. */
    public String displayId() {
        return arrayTask.equals("N/A") || arrayTask.isEmpty() ? jobId : arrayJobId + "_" + arrayTask;
    }
}
