package dev.crflow.executor.slurm;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The queue as one {@code squeue} call saw it, shared by every job of a run until it expires.
 * When the call failed the snapshot is {@linkplain #known() unknown}: lookups answer "unknown", never "gone".
 */
public final class QueueSnapshot {
    private final Instant takenAt;
    private final boolean known;
    private final String problem;
    private final Map<String, QueueEntry> byId;

    private QueueSnapshot(Instant takenAt, boolean known, String problem, Map<String, QueueEntry> byId) {
        this.takenAt = takenAt;
        this.known = known;
        this.problem = problem;
        this.byId = byId;
    }

    public static QueueSnapshot of(Instant takenAt, List<QueueEntry> entries) {
        Map<String, QueueEntry> m = new LinkedHashMap<>();
        // Array elements are keyed "array_index" first: a pending, unsplit array shows the array's id as %A on every line.
        for (QueueEntry e : entries) m.put(e.displayId(), e);
        for (QueueEntry e : entries) m.putIfAbsent(e.jobId(), e);
        return new QueueSnapshot(takenAt, true, "", Collections.unmodifiableMap(m));
    }

    public static QueueSnapshot unknown(Instant takenAt, String problem) {
        return new QueueSnapshot(takenAt, false, problem, Map.of());
    }

    public Instant takenAt() { return takenAt; }

    /** False when squeue failed: nothing can be concluded about any job. */
    public boolean known() { return known; }

    public String problem() { return problem; }

    /** The job if squeue listed it; empty also when the snapshot is unknown (check {@link #known()}). */
    public Optional<QueueEntry> job(String jobId) { return Optional.ofNullable(byId.get(jobId)); }

    /** The phase of a job: UNKNOWN when the snapshot is unknown or the job is not listed (never "dead"). */
    public JobPhase phase(String jobId) {
        return job(jobId).map(QueueEntry::phase).orElse(JobPhase.UNKNOWN);
    }

    public List<QueueEntry> entries() {
        return byId.entrySet().stream().filter(e -> e.getKey().equals(e.getValue().displayId())).map(Map.Entry::getValue).toList();
    }

    public List<QueueEntry> withName(String name) {
        return entries().stream().filter(e -> e.name().equals(name)).toList();
    }
}
