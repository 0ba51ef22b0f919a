package dev.crflow.executor.local;

import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.JobStatus;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.run.History;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.slurm.CoordinatorLaunch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded executor: the same coordinator, as a local process ({@code run --control DIR --local}), with the
 * walltime simulated the way Slurm enforces it: the warning signal at {@code time − lead}, SIGTERM at {@code time},
 * SIGKILL 30 s later. Exit 75 means "requeue me": the next attempt starts at once. Coordinator processes outlive a
 * killed driver; a restarted driver reattaches to them by pid.
 */
public final class LocalStepExecutor implements StepExecutor {
    /** The coordinator's "requeue me" exit code in local mode (docs/contracts.md §4). */
    public static final int REQUEUE_EXIT = 75;
    /** "Checkpointed and stopped on request": ended, not relaunched. */
    public static final int STOPPED_EXIT = 76;
    /** Slurm's default KillWait between SIGTERM and SIGKILL. */
    static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private final CoordinatorLaunch coordinator;
    private final Clock clock;
    private final Map<String, LocalJob> jobs = new ConcurrentHashMap<>();

    public LocalStepExecutor(CoordinatorLaunch coordinator, Clock clock) {
        this.coordinator = coordinator;
        this.clock = clock;
    }

    @Override
    public String name() { return "local"; }

    @Override
    public void check() throws ExecutorException {
        if (!Files.isRegularFile(coordinator.jar())) {
            throw new ExecutorException("the coordinator jar " + coordinator.jar() + " is missing: build it (./crflow builds it"
                    + " on first use; or mvn -pl coordinator -am package) or set CRFLOW_COORDINATOR_JAR", true);
        }
        if (!Files.isExecutable(coordinator.java())) {
            throw new ExecutorException("java not found at " + coordinator.java() + "; set JAVA_HOME", true);
        }
    }

    @Override
    public JobHandle submit(StepLaunch launch) throws ExecutorException {
        StepControlDir ctl = launch.controlDir();
        String jobId = "local-" + launch.jobName().replace("crflow-", "") + "-" + launch.attempt();
        try {
            ctl.create();
            createWorkdir(launch);
            ctl.writeSpec(launch.step());
            ctl.writeJson(ctl.job(), new JobRecord(jobId, launch.jobName(), launch.attempt(), clock.instant(), name(), null,
                    launch.knownJobIds(), List.of()));
        } catch (IOException e) {
            throw new ExecutorException("cannot write the control directory " + ctl + ": " + e.getMessage(), true, e);
        }
        JobHandle handle = new JobHandle(jobId, launch.jobName(), launch.attempt(), launch.step().name());
        LocalJob job = new LocalJob(handle, launch, null);
        jobs.put(jobId, job);
        job.start();
        return handle;
    }

    /** The step's workdir is the user's (normal permissions); made here so a fresh checkout runs as is. */
    static void createWorkdir(StepLaunch launch) throws IOException {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(launch.step().workdir()));
    }

    @Override
    public JobHandle reattach(StepLaunch launch, JobRecord record) {
        JobHandle handle = new JobHandle(record.jobId(), record.jobName(), record.attempt(), launch.step().name());
        jobs.computeIfAbsent(record.jobId(), id -> {
            ProcessHandle alive = record.pid() == null ? null
                    : ProcessHandle.of(record.pid()).filter(p -> p.isAlive() && ownsControlDir(p, launch.controlDir().path())).orElse(null);
            LocalJob job = new LocalJob(handle, launch, alive);
            if (alive != null || lastAttemptAskedForRequeue(launch.controlDir())) {
                job.start();
            } else {
                // The coordinator ended while no driver watched: the control directory says how (result.json or not).
                job.observation = JobObservation.of(JobStatus.ENDED, "ended while the driver was away");
            }
            return job;
        });
        return handle;
    }

    private static boolean ownsControlDir(ProcessHandle p, Path ctl) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return new String(cmdline).replace('\0', ' ').contains(ctl.toString());
        } catch (IOException e) {
            return p.info().commandLine().map(c -> c.contains(ctl.toString())).orElse(false);
        }
    }

    @Override
    public Map<JobHandle, JobObservation> observe(Map<JobHandle, StepControlDir> handles) {
        Map<JobHandle, JobObservation> out = new LinkedHashMap<>();
        for (JobHandle h : handles.keySet()) {
            LocalJob job = jobs.get(h.jobId());
            out.put(h, job == null ? JobObservation.of(JobStatus.UNKNOWN, "not started by this driver") : job.observation());
        }
        return out;
    }

    @Override
    public void cancel(JobHandle handle) {
        LocalJob job = jobs.get(handle.jobId());
        if (job != null) job.cancel();
    }

    @Override
    public void close() {
        // Coordinators keep running on purpose: a restarted driver reattaches to them.
    }

    /** One step's sequence of local attempts, supervised by a daemon thread. */
    private final class LocalJob {
        private final JobHandle handle;
        private final StepLaunch launch;
        private volatile ProcessHandle process;
        private volatile Process child;
        private volatile JobObservation observation = JobObservation.of(JobStatus.QUEUED, "starting");
        private volatile boolean cancelled;

        LocalJob(JobHandle handle, StepLaunch launch, ProcessHandle running) {
            this.handle = handle;
            this.launch = launch;
            this.process = running;
        }

        JobObservation observation() { return observation; }

        void start() {
            Thread t = new Thread(this::supervise, "local-" + handle.stepName());
            t.setDaemon(true);
            t.start();
        }

        void cancel() {
            cancelled = true;
            ProcessHandle p = process;
            if (p != null) p.destroy();
        }

        private void supervise() {
            StepControlDir ctl = launch.controlDir();
            try {
                boolean first = true;
                while (!cancelled) {
                    int exit;
                    if (first && process != null) {
                        // Reattached: someone else's child. Its exit code is unknowable; the journal tells.
                        observation = JobObservation.of(JobStatus.RUNNING, "running (reattached, pid " + process.pid() + ")");
                        Instant started = attemptStart(ctl).orElse(clock.instant());
                        simulateWalltime(process, started);
                        process.onExit().join();
                        exit = lastAttemptAskedForRequeue(ctl) ? REQUEUE_EXIT : -1;
                    } else {
                        exit = runAttempt(ctl);
                    }
                    first = false;
                    if (cancelled) break;
                    if (exit == REQUEUE_EXIT) {
                        observation = JobObservation.of(JobStatus.REQUEUED, "requeued (exit 75): relaunching");
                        continue;
                    }
                    observation = new JobObservation(JobStatus.ENDED, "exited " + (exit < 0 ? "(reattached)" : exit),
                            List.of("localhost"), List.of(), Optional.empty(), exit < 0 ? Optional.empty() : Optional.of(exit));
                    return;
                }
                observation = JobObservation.of(JobStatus.CANCELLED, "cancelled");
            } catch (IOException | RuntimeException e) {
                observation = JobObservation.lost("vanished", "could not run the coordinator: " + e.getMessage(), List.of());
            }
        }

        private int runAttempt(StepControlDir ctl) throws IOException {
            int restartCount = History.of(ctl.readJournal()).attempts();
            ProcessBuilder pb = new ProcessBuilder(coordinator.command(ctl.path(), "--local"));
            pb.environment().put("CRFLOW_JOB_ID", handle.jobId());
            pb.environment().put("CRFLOW_RESTART_COUNT", Integer.toString(restartCount));
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(ctl.stdout().toFile()));
            pb.redirectError(ProcessBuilder.Redirect.appendTo(ctl.stderr().toFile()));
            Instant started = clock.instant();
            Process p = pb.start();
            child = p;
            process = p.toHandle();
            ctl.writeJson(ctl.job(), new JobRecord(handle.jobId(), handle.jobName(), handle.attempt(), started, name(), p.pid(),
                    launch.knownJobIds(), List.of()));
            observation = new JobObservation(JobStatus.RUNNING, "running (pid " + p.pid() + ")", List.of("localhost"),
                    List.of(), Optional.empty(), Optional.empty());
            simulateWalltime(p.toHandle(), started);
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /** The warning signal at time − lead, SIGTERM at time, SIGKILL after KillWait: as slurmstepd would. */
        private void simulateWalltime(ProcessHandle p, Instant started) {
            Step step = launch.step();
            Optional<Duration> limit = effectiveTime(step.resources().time(), launch.remainingBudget());
            if (limit.isEmpty()) return;
            Duration lead = step.checkpoint().lead();
            Instant warnAt = started.plus(limit.get().minus(lead));
            Instant termAt = started.plus(limit.get());
            Thread t = new Thread(() -> {
                try {
                    sleepUntil(warnAt);
                    if (!p.isAlive()) return;
                    sendSignal(p.pid(), step.checkpoint().signal());
                    sleepUntil(termAt);
                    if (!p.isAlive()) return;
                    p.destroy();
                    sleepUntil(termAt.plus(KILL_WAIT));
                    if (p.isAlive()) p.destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "walltime-" + handle.stepName());
            t.setDaemon(true);
            t.start();
        }

        private void sleepUntil(Instant at) throws InterruptedException {
            long ms = Duration.between(clock.instant(), at).toMillis();
            if (ms > 0) Thread.sleep(ms);
        }
    }

    static Optional<Duration> effectiveTime(Optional<Duration> time, Optional<Duration> remaining) {
        if (remaining.isEmpty()) return time;
        Duration left = remaining.get().isNegative() ? Duration.ZERO : remaining.get();
        if (time.isEmpty()) return Optional.of(left);
        return Optional.of(time.get().compareTo(left) <= 0 ? time.get() : left);
    }

    /**
     * kill(2) through the coordinator's JNA binding (the JDK can only send TERM and KILL), not kill(1): no helper
     * process per signal. The signal name is one of our validated canonical names.
     */
    static void sendSignal(long pid, String signal) {
        if (!signal.matches("[A-Z0-9]+")) throw new IllegalArgumentException("bad signal: " + signal);
        try {
            Posix.signalProcess(Math.toIntExact(pid), Signals.number(signal));
        } catch (IllegalArgumentException e) {
            // a name the coordinator does not know (as kill(1) failing before): the SIGTERM at the limit still comes.
            // A process already gone makes kill(2) return ESRCH, which is ignored the same way.
        }
    }

    private static Optional<Instant> attemptStart(StepControlDir ctl) {
        List<JournalEvent> j = ctl.readJournal();
        for (int i = j.size() - 1; i >= 0; i--) {
            if (j.get(i).is(JournalEvent.ATTEMPT_START)) return Optional.of(j.get(i).time());
        }
        return Optional.empty();
    }

    /** The last attempt ended by preemption or walltime and no result was written: the coordinator wanted a requeue. */
    static boolean lastAttemptAskedForRequeue(StepControlDir ctl) {
        if (ctl.readResult().isPresent()) return false;
        List<JournalEvent> j = ctl.readJournal();
        for (int i = j.size() - 1; i >= 0; i--) {
            JournalEvent e = j.get(i);
            if (e.is(JournalEvent.ATTEMPT_END)) {
                String reason = e.reason().orElse("");
                return reason.equals("preempted") || reason.equals("walltime");
            }
            if (e.is(JournalEvent.REQUEUE)) return true;
        }
        return false;
    }
}
