package dev.crflow.executor.slurm;

import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.JobStatus;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.control.SubmitIntent;
import dev.crflow.executor.lifecycle.LifecycleAction;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Steps as Slurm jobs. One {@code squeue} per poll for all of them (a shared {@link QueueSnapshotCache});
 * a job missing from squeue is "vanished" only once {@code scontrol show job} does not know it either and
 * the control directory shows no live coordinator; a requeue hold is released at once; a job Slurm requeued
 * after a node failure is kept off that node.
 */
public final class SlurmStepExecutor implements StepExecutor {
    /** A heartbeat younger than this means the coordinator is alive somewhere, whatever squeue says. */
    static final Duration HEARTBEAT_FRESH = Duration.ofSeconds(30);
    /** A coordinator silent this long (it beats every 5 s) when Slurm requeued its job: its node is gone. */
    static final Duration NODE_LOSS_SILENCE = Duration.ofSeconds(8);
    private static final int SUBMIT_ATTEMPTS = 4;

    private final SlurmClient slurm;
    private final BatchScriptRenderer renderer;
    private final CoordinatorLaunch coordinator;
    private final Clock clock;
    private final RetryPolicy retry;
    private final Set<String> trackedNames = ConcurrentHashMap.newKeySet();
    private final QueueSnapshotCache queue;
    private final RunningNodes runningNodes = new RunningNodes();
    private final Set<String> cancelledByUs = ConcurrentHashMap.newKeySet();

    public SlurmStepExecutor(SlurmClient slurm, CoordinatorLaunch coordinator, Clock clock, Duration pollTtl, RetryPolicy retry) {
        this.slurm = slurm;
        this.renderer = new BatchScriptRenderer();
        this.coordinator = coordinator;
        this.clock = clock;
        this.retry = retry;
        this.queue = new QueueSnapshotCache(slurm, () -> QueueQuery.byNames(trackedNames), pollTtl, clock);
    }

    @Override
    public String name() { return "slurm"; }

    public SlurmClient client() { return slurm; }

    @Override
    public void check() throws ExecutorException {
        try {
            slurm.ping();
        } catch (SlurmException e) {
            throw new ExecutorException(e.getMessage(), true, e);
        }
        if (!Files.isRegularFile(coordinator.jar())) {
            throw new ExecutorException("the coordinator jar " + coordinator.jar() + " is missing: build it (./crflow builds it"
                    + " on first use; or mvn -pl coordinator -am package) or set CRFLOW_COORDINATOR_JAR", true);
        }
    }

    public String render(StepLaunch launch) {
        return renderer.render(new RenderRequest(launch.step(), launch.jobName(), launch.controlDir().path(), coordinator,
                launch.remainingBudget(), launch.excludeNodes()));
    }

    @Override
    public JobHandle submit(StepLaunch launch) throws ExecutorException {
        StepControlDir ctl = launch.controlDir();
        trackedNames.add(launch.jobName());
        try {
            ctl.create();
            createWorkdir(launch);
            Optional<SubmitIntent> earlier = ctl.readSubmitIntent();
            Optional<JobRecord> recorded = ctl.readJob();
            boolean unfinishedIntent = earlier.isPresent() && earlier.get().attempt() == launch.attempt()
                    && earlier.get().jobName().equals(launch.jobName())
                    && (recorded.isEmpty() || recorded.get().attempt() < launch.attempt());
            if (unfinishedIntent) {
                Optional<String> adopted = findSubmitted(launch, earlier.get());
                if (adopted.isPresent()) return record(launch, adopted.get());
            }
            ctl.writeSpec(launch.step());
            ctl.writeScript(render(launch));
            ctl.writeJson(ctl.submitIntent(), new SubmitIntent(launch.jobName(), launch.attempt(), clock.instant(), launch.knownJobIds()));
            SlurmException last = null;
            for (int i = 1; i <= SUBMIT_ATTEMPTS; i++) {
                try {
                    String jobId = slurm.submit(ctl.script(), List.of());
                    return record(launch, jobId);
                } catch (SlurmException e) {
                    last = e;
                    if (!e.isTransient()) break;
                    // The failed sbatch may have reached the controller: look before submitting again.
                    sleep(retry.delayBefore(i));
                    Optional<String> adopted = findSubmitted(launch, ctl.readSubmitIntent().orElseThrow());
                    if (adopted.isPresent()) return record(launch, adopted.get());
                }
            }
            throw new ExecutorException("could not submit step '" + launch.step().name() + "': " + last.getMessage(),
                    last.isTransient(), last);
        } catch (IOException e) {
            throw new ExecutorException("cannot write the control directory " + ctl + ": " + e.getMessage(), true, e);
        }
    }

    /**
     * A job of this name whose id the step has not used before, in squeue or in the journal (a coordinator that
     * already started wrote its job id there): the submission an earlier driver made.
     */
    private Optional<String> findSubmitted(StepLaunch launch, SubmitIntent intent) throws ExecutorException {
        Set<String> known = new HashSet<>(intent.knownJobIds());
        known.addAll(launch.knownJobIds());
        QueueSnapshot snap = slurm.queue(QueueQuery.byNames(List.of(launch.jobName())));
        if (!snap.known()) {
            throw new ExecutorException("cannot tell whether step '" + launch.step().name() + "' was already submitted ("
                    + snap.problem() + "); not submitting twice. Check that `squeue` answers, then run again.", true);
        }
        Optional<String> inQueue = snap.withName(launch.jobName()).stream().map(QueueEntry::jobId)
                .filter(id -> !known.contains(id)).max((a, b) -> Long.compare(numeric(a), numeric(b)));
        if (inQueue.isPresent()) return inQueue;
        return launch.controlDir().readJournal().stream().filter(e -> e.is(JournalEvent.ATTEMPT_START))
                .filter(e -> !e.time().isBefore(intent.time()))
                .map(e -> e.jobId().orElse("")).filter(id -> !id.isEmpty() && !known.contains(id)).reduce((a, b) -> b);
    }

    private JobHandle record(StepLaunch launch, String jobId) throws IOException {
        StepControlDir ctl = launch.controlDir();
        ctl.writeJson(ctl.job(), new JobRecord(jobId, launch.jobName(), launch.attempt(), clock.instant(), name(), null,
                launch.knownJobIds(), List.of()));
        queue.invalidate();
        return new JobHandle(jobId, launch.jobName(), launch.attempt(), launch.step().name());
    }

    /**
     * Several steps as ONE job array (e.g. {@code crflow rerun --failed}); resources from the first launch.
     * The intent is recorded in {@code arrayDir} first and reconciled by name like a single submission.
     */
    @Override
    public List<JobHandle> submitArray(List<StepLaunch> launches, String arrayName, java.nio.file.Path arrayDir)
            throws ExecutorException {
        trackedNames.add(arrayName);
        List<JobHandle> handles = new ArraySubmission(slurm, renderer, coordinator, clock, name()).submit(launches, arrayName, arrayDir);
        queue.invalidate();
        return handles;
    }

    /** The step's workdir is the user's (normal permissions); made here so a fresh checkout runs as is. */
    static void createWorkdir(StepLaunch launch) throws IOException {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(launch.step().workdir()));
    }

    @Override
    public JobHandle reattach(StepLaunch launch, JobRecord record) {
        trackedNames.add(record.jobName());
        return new JobHandle(record.jobId(), record.jobName(), record.attempt(), launch.step().name());
    }

    @Override
    public Map<JobHandle, JobObservation> observe(Map<JobHandle, StepControlDir> jobs) {
        Map<JobHandle, JobObservation> out = new LinkedHashMap<>();
        if (jobs.isEmpty()) return out;
        for (JobHandle h : jobs.keySet()) trackedNames.add(h.jobName());
        QueueSnapshot snap = queue.snapshot();
        for (Map.Entry<JobHandle, StepControlDir> e : jobs.entrySet()) {
            out.put(e.getKey(), observeOne(e.getKey(), e.getValue(), snap));
        }
        return out;
    }

    public QueueSnapshotCache queueCache() { return queue; }

    private JobObservation observeOne(JobHandle job, StepControlDir ctl, QueueSnapshot snap) {
        if (!snap.known()) return JobObservation.of(JobStatus.UNKNOWN, snap.problem());
        Optional<QueueEntry> entry = snap.job(job.jobId());
        if (entry.isPresent()) return fromQueue(job, ctl, entry.get());
        // Not in squeue: ask scontrol before concluding anything.
        Optional<JobDetails> details;
        try {
            details = slurm.showJob(job.jobId());
        } catch (SlurmException ex) {
            return JobObservation.of(JobStatus.UNKNOWN, "not in squeue; scontrol failed: " + ex.getMessage());
        }
        if (details.isPresent()) {
            JobDetails d = details.get();
            return fromState(job, ctl, d.state(), d.reason(), d.nodes().isEmpty() ? d.batchHost().stream().toList() : d.nodes(),
                    d.exitCode());
        }
        // Slurm has forgotten the job (MinJobAge) or never had it. The control directory decides.
        if (ctl.readResult().isPresent()) return JobObservation.of(JobStatus.ENDED, "finished (Slurm no longer lists it)");
        Optional<Instant> beat = ctl.heartbeatTime();
        if (beat.isPresent() && Duration.between(beat.get(), clock.instant()).compareTo(HEARTBEAT_FRESH) < 0) {
            return JobObservation.of(JobStatus.UNKNOWN, "not listed by Slurm but its coordinator's heartbeat is fresh");
        }
        return JobObservation.lost("vanished", "vanished: neither squeue nor scontrol know job " + job.jobId(),
                runningNodes.known(ctl, job));
    }

    private JobObservation fromQueue(JobHandle job, StepControlDir ctl, QueueEntry e) {
        return fromState(job, ctl, e.state(), e.reason(), e.nodes(), Optional.empty());
    }

    private JobObservation fromState(JobHandle job, StepControlDir ctl, SlurmState state, String reason, List<String> nodes,
                                     Optional<Integer> exitCode) {
        String detail = state.name() + (reason.isEmpty() || reason.equals("None") ? "" : " (" + reason + ")");
        switch (state.phase()) {
            case RUNNING -> {
                runningNodes.seen(ctl, job, nodes);
                return new JobObservation(JobStatus.RUNNING, detail, nodes, List.of(), Optional.empty(), exitCode);
            }
            case QUEUED, REQUEUED -> {
                boolean hold = state == SlurmState.REQUEUE_HOLD || state == SlurmState.PENDING && "BeginTime".equalsIgnoreCase(reason);
                List<String> lost = List.of();
                List<LifecycleAction> wanted = new ArrayList<>();
                if (hold || state.phase() == JobPhase.REQUEUED) {
                    lost = requeuedWithoutCheckpoint(job, ctl, wanted);
                    // exclusion first: the released job must not start on the lost node again
                    if (!lost.isEmpty()) wanted.add(new LifecycleAction.ExcludeNodes(job.jobId(), lost));
                    if (hold) wanted.add(new LifecycleAction.ReleaseRequeueHold(job.jobId()));
                }
                JobStatus s = state.phase() == JobPhase.REQUEUED || hold ? JobStatus.REQUEUED : JobStatus.QUEUED;
                return new JobObservation(s, detail, nodes, lost, lost.isEmpty() ? Optional.empty() : Optional.of("node-fail"), exitCode,
                        wanted);
            }
            case SUSPENDED -> {
                return new JobObservation(JobStatus.SUSPENDED, detail, nodes, List.of(), Optional.empty(), exitCode);
            }
            case ENDED, FAILED -> {
                return new JobObservation(JobStatus.ENDED, detail, nodes, List.of(), Optional.empty(), exitCode);
            }
            case CANCELLED -> {
                if (cancelledByUs.contains(job.jobId())) return JobObservation.of(JobStatus.CANCELLED, detail);
                if (ctl.readResult().isPresent()) return JobObservation.of(JobStatus.ENDED, detail);
                // a user's scancel where no coordinator could answer it: the job was pending (e.g. requeued by its
                // coordinator after a preemption whose SIGTERM came first, when Slurm ignores a scancel), or its
                // coordinator was killed first. Cancelling means stop (issue 15): never resubmitted.
                return JobObservation.of(JobStatus.CANCELLED, detail + ": cancelled outside crflow (scancel)");
            }
            case LOST -> {
                if (ctl.readResult().isPresent()) return JobObservation.of(JobStatus.ENDED, detail);
                List<String> where = nodes.isEmpty() ? runningNodes.known(ctl, job) : nodes;
                String why = switch (state) {
                    case NODE_FAIL -> "node-fail";
                    case BOOT_FAIL -> "boot-fail";
                    case TIMEOUT -> "timeout";
                    case PREEMPTED -> "preempted";
                    default -> "lost";
                };
                boolean nodeProblem = state == SlurmState.NODE_FAIL || state == SlurmState.BOOT_FAIL;
                return new JobObservation(JobStatus.LOST, detail, where, nodeProblem ? where : List.of(), Optional.of(why), exitCode);
            }
            default -> {
                return JobObservation.of(JobStatus.UNKNOWN, detail);
            }
        }
    }

    /**
     * A job back in the queue although its coordinator did not requeue it (no {@code requeue} event for its latest
     * attempt, no attempt-end): Slurm requeued it after its node failed. Answers the node(s) to avoid; the loss is
     * added to {@code wanted} for the journal once per attempt.
     */
    private List<String> requeuedWithoutCheckpoint(JobHandle job, StepControlDir ctl, List<LifecycleAction> wanted) {
        List<JournalEvent> journal = ctl.readJournal();
        JournalEvent lastStart = null;
        boolean endedOrRequeued = false;
        boolean alreadyNoted = false;
        for (JournalEvent e : journal) {
            boolean thisJob = job.jobId().equals(e.jobId().orElse(""));
            switch (e.event()) {
                case JournalEvent.ATTEMPT_START -> {
                    if (thisJob) {
                        lastStart = e;
                        endedOrRequeued = false;
                        alreadyNoted = false;
                    }
                }
                case JournalEvent.REQUEUE, JournalEvent.ATTEMPT_END -> endedOrRequeued = true;
                case JournalEvent.ATTEMPT_LOST -> {
                    if (thisJob) alreadyNoted = true;
                }
                default -> { }
            }
        }
        if (lastStart == null || endedOrRequeued) return List.of();
        // The coordinator's own requeue, seen between its scontrol requeue and its journal line: not a node failure.
        // (Excluding the node then could leave a one-node cluster with nowhere to run the job.)
        Optional<Phase> phase = ctl.readCoordinatorPhase();
        if (phase.isPresent() && (phase.get() == Phase.REQUEUEING || phase.get() == Phase.CHECKPOINTING)) return List.of();
        Optional<Instant> beat = ctl.heartbeatTime();
        if (beat.isPresent() && Duration.between(beat.get(), clock.instant()).compareTo(NODE_LOSS_SILENCE) < 0) return List.of();
        // Slurm's node name, not the hostname: on one machine several slurmd share a hostname.
        List<String> nodes = runningNodes.known(ctl, job);
        Optional<String> host = lastStart.string("node").or(lastStart::host).filter(h -> !h.isEmpty());
        if (nodes.isEmpty() && host.isPresent()) nodes = List.of(RunningNodes.shortHost(host.get()));
        if (!alreadyNoted) {
            wanted.add(new LifecycleAction.JournalAttemptLost(job.jobId(), lastStart.attempt(), lastStart.host(), "node-fail", nodes,
                    Optional.of("slurm"), "Slurm requeued job " + job.jobId() + " without its coordinator's checkpoint"));
        }
        return nodes;
    }

    @Override
    public void cancel(JobHandle job) throws ExecutorException {
        cancelledByUs.add(job.jobId());
        try {
            slurm.cancel(job.jobId());
            queue.invalidate();
        } catch (SlurmException e) {
            throw new ExecutorException("could not cancel job " + job.jobId() + ": " + e.getMessage(), e.isTransient(), e);
        }
    }

    /**
     * How long after the requeue (the job's SubmitTime, which a requeue resets; whole seconds) the hold may be released:
     * slurmd refuses a launch in the same second as the requeue's credential revoke ("Job credential revoked") and the
     * job ends FAILED. Seen in SnakemakeBridgeIT when a status call released the hold 0.5 s after the requeue.
     */
    static final Duration HOLD_SETTLE = Duration.ofSeconds(3);

    @Override
    public void releaseRequeueHold(String jobId) throws ExecutorException {
        try {
            Optional<JobDetails> job = slurm.showJob(jobId);
            if (job.isPresent() && requeuedTooRecently(job.get(), clock)) return; // the next poll releases it
            slurm.releaseRequeueHold(jobId);
        } catch (SlurmException e) {
            throw new ExecutorException("could not release the requeue hold of job " + jobId + ": " + e.getMessage(), e.isTransient(), e);
        }
    }

    static boolean requeuedTooRecently(JobDetails job, Clock clock) {
        String submitted = job.fields().getOrDefault("SubmitTime", "");
        try {
            // scontrol prints local time without a zone
            java.time.LocalDateTime at = java.time.LocalDateTime.parse(submitted);
            return java.time.LocalDateTime.now(clock.withZone(java.time.ZoneId.systemDefault())).isBefore(at.plus(HOLD_SETTLE));
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    @Override
    public void excludeNodes(String jobId, List<String> nodes) throws ExecutorException {
        try {
            slurm.excludeNodes(jobId, nodes);
        } catch (SlurmException e) {
            throw new ExecutorException("could not keep job " + jobId + " off " + nodes + ": " + e.getMessage(), e.isTransient(), e);
        }
    }

    /** Marks a job as cancelled by crflow (e.g. by {@code crflow cancel} in another process), so it is not "lost". */
    public void cancelledByCrflow(String jobId) { cancelledByUs.add(jobId); }

    private void sleep(Duration d) {
        try {
            retry.sleeper().sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long numeric(String id) {
        try {
            return Long.parseLong(id.replaceAll("_.*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Job names tracked by the shared squeue (exposed for benchmarks). */
    public List<String> trackedNames() { return new ArrayList<>(trackedNames); }
}
