package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.engine.Apps;
import dev.crflow.coordinator.engine.CheckpointEngine;
import dev.crflow.coordinator.engine.Deadline;
import dev.crflow.coordinator.engine.EngineContext;
import dev.crflow.coordinator.engine.EngineException;
import dev.crflow.coordinator.interval.YoungDaly;
import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.RequeueKind;
import dev.crflow.coordinator.journal.Trigger;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.LaunchWrapper;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.slurm.JobEndingClassifier;
import dev.crflow.coordinator.slurm.Requeuer;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.spec.StepSpec;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Packer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One attempt of one step, as ARCHITECTURE.md's data flow: read the spec and the journal's {@link History}, settle
 * what a killed predecessor left ({@link Leftovers}), restore the newest verified generation ({@link RestorePlanner})
 * or launch, then run until the application ends, a warning signal or SIGTERM arrives, or a request asks: checkpoint
 * ({@link CheckpointCommitter}), requeue within the {@link Budget}, or finish with {@code result.json}.
 *
 * <p>Everything it learns goes to the control directory (journal via {@link AttemptJournal}, status/heartbeat/samples
 * via {@link Vitals}, result); everything it decides from earlier attempts comes from the journal. Signal handlers only
 * enqueue; all decisions happen on the thread that calls {@link #run()} (which also launched the application, see
 * {@link dev.crflow.coordinator.proc.SystemProcessLauncher}).
 */
public final class Coordinator {

    /**
     * @param termGrace what the coordinator allows itself after SIGTERM (Slurm's KillWait is 30 s by default;
     *                  stay well inside it so the process is not SIGKILLed mid-commit — harmless, but wasted)
     */
    public record Config(Path ctl, boolean local, String jobId, int restartCount, String host,
                         Duration termGrace, Optional<Integer> generation) {}

    /** Upper bound for a periodic or manual checkpoint (a hung engine must not hold the coordinator forever). */
    static final Duration PERIODIC_CHECKPOINT_LIMIT = Duration.ofMinutes(30);
    /** A stop request has no job end behind it: the checkpoint may take its time. */
    static final Duration STOP_REQUEST_LIMIT = Duration.ofHours(1);

    private final Config config;
    private final ControlDir ctl;
    private final Clock clock;
    private final ProcessLauncher launcher;
    private final Requeuer requeuer;
    private final Function<StepSpec, CheckpointEngine> engines;
    private final PrintStream log;
    private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
    private final Vitals vitals;
    /** Asked on SIGTERM why Slurm ends the job: a user's cancel ends the step, anything else resumes it. */
    private final JobEndingClassifier.Endings endings;

    // read by signal handlers
    /** The job is ending: the application may die of the same SIGTERM before the coordinator acts on it. */
    private volatile boolean termSeen;
    private volatile Optional<Deadline> checkpointDeadline = Optional.empty();
    private volatile Optional<StepSpec.PolicySpec> policyForSignals = Optional.empty();

    // the attempt, set up by runLocked()
    private StepSpec spec;
    private Journal journal;
    private AttemptJournal attemptJournal;
    private History history;
    private Ending ending;
    private CheckpointEngine engine;
    private ApplicationEnd applicationEnd;
    private CheckpointCommitter committer;
    private ManualRequests requests;
    private Leftovers leftovers;
    private int attempt;
    private Instant attemptStart;

    public Coordinator(Config config, Clock clock, ProcessLauncher launcher, Requeuer requeuer,
                       Function<StepSpec, CheckpointEngine> engines, PrintStream log) {
        this(config, clock, launcher, requeuer, engines, log, JobEndingClassifier.Endings.unknown());
    }

    /** @param endings asked on SIGTERM why Slurm ends the job (cancel, preemption, walltime, node failure) */
    public Coordinator(Config config, Clock clock, ProcessLauncher launcher, Requeuer requeuer,
                       Function<StepSpec, CheckpointEngine> engines, PrintStream log, JobEndingClassifier.Endings endings) {
        this.endings = endings;
        this.config = config;
        this.ctl = ControlDir.of(config.ctl());
        this.clock = clock;
        this.launcher = launcher;
        this.requeuer = requeuer;
        this.engines = engines;
        this.log = log;
        this.vitals = new Vitals(ctl, clock, config.jobId(), config.host(), this::say);
    }

    /** Called from signal handlers: only enqueue; TERM also brings a running checkpoint's deadline forward. */
    public void onSignal(String name) {
        String sig = Signals.canonical(name);
        if (sig.equals("TERM")) termSeen = true;
        Optional<Deadline> d = checkpointDeadline;
        Optional<StepSpec.PolicySpec> policy = policyForSignals;
        if (d.isPresent()) {
            if (isTermination(sig)) {
                d.get().shortenTo(clock.instant().plus(config.termGrace()));
            } else if (policy.isPresent() && sig.equals(Signals.canonical(policy.get().signal()))) {
                // a periodic checkpoint in progress must leave time for the stop checkpoint the warning asks for
                d.get().shortenTo(clock.instant().plus(warningBudget(policy.get().lead()).dividedBy(2)));
            }
        }
        signals.add(sig);
    }

    private static boolean isTermination(String sig) { return sig.equals("TERM") || sig.equals("INT") || sig.equals("HUP"); }

    private void say(String msg) {
        log.println("crflow-coordinator: " + msg);
        log.flush();
    }

    // ---------------------------------------------------------------- 1. one coordinator per control directory

    public int run() {
        attemptStart = clock.instant();
        try {
            SafeFiles.ensureDir(ctl.root());
        } catch (IOException e) {
            say("cannot use control directory " + ctl + ": " + e.getMessage());
            return ExitCodes.ENVIRONMENT;
        }
        try (FileChannel lockChannel = FileChannel.open(ctl.lock(), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS))) {
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                say("another coordinator is running on " + ctl + " (it holds " + ctl.lock() + "); not starting a second one");
                return ExitCodes.ENVIRONMENT;
            }
            try {
                return runLocked();
            } finally {
                if (committer != null) committer.close();
                if (engine != null) engine.close();
                vitals.close();
                if (journal != null) journal.close();
            }
        } catch (IOException e) {
            say("control directory " + ctl + ": " + e.getMessage());
            return ExitCodes.ENVIRONMENT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            say("interrupted");
            return ExitCodes.ENVIRONMENT;
        }
    }

    // ---------------------------------------------------------------- 2. prepare, 3. restore or launch

    private int runLocked() throws IOException, InterruptedException {
        try {
            spec = SpecReader.read(ctl.spec());
        } catch (IOException | RuntimeException e) {
            say("cannot read the step's spec " + ctl.spec() + ": " + e.getMessage());
            return ExitCodes.INVALID;
        }
        policyForSignals = Optional.of(spec.checkpoint());
        Optional<Integer> requested = config.generation().or(ctl::pendingRestoreRequest);
        Optional<Result> done = ctl.readResult();
        if (done.isPresent() && requested.isEmpty()) {
            say("step '" + spec.name() + "' already ended (" + done.get().outcome() + ", exit " + done.get().exitCode()
                    + "); nothing to do. Restart it from a generation with: run --generation N");
            return done.get().exitCode();
        }
        if (done.isPresent()) Files.deleteIfExists(ctl.result());

        journal = Journal.openForAppend(ctl.journal(), clock);
        leftovers = new Leftovers(ctl, config.host(), this::say);
        history = leftovers.recordLostAttempt(History.read(ctl.root()), journal);
        leftovers.killLeftoverApplication();
        ImageStore store = ImageStore.open(ctl.root());
        for (Path p : store.removePartials()) say("removed " + p.getFileName() + ": a checkpoint a killed coordinator never committed");
        Packer.recover(store, this::say);
        attempt = history.attempts() + 1;
        attemptJournal = new AttemptJournal(journal, attempt);
        vitals.attempt(attempt);
        vitals.phase(Phase.STARTING, Optional.empty());
        vitals.start();

        StepSpec.PolicySpec policy = spec.checkpoint();
        Budget budget = new Budget(policy.maxRestarts(), spec.retry(), policy.totalTime(), spec.resources().time());
        ending = new Ending(ctl, spec.name(), config.jobId(), spec.retry(), budget, history, attemptJournal, vitals, requeuer,
                clock, attemptStart, this::say, policy.fromScratch());
        Optional<String> spent = budget.exhaustedBeforeStart(history);
        if (spent.isPresent()) return ending.finishBudget(spent.get(), Optional.empty());

        engine = engines.apply(spec);
        applicationEnd = new ApplicationEnd(ctl, clock, engine, ending, endings, () -> termSeen, this::say);
        try {
            engine.check();
        } catch (EngineException e) {
            say(e.getMessage());
            journalStart();
            return ending.finish(Outcome.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, EndReason.ENGINE_ERROR, e.getMessage(), Optional.empty());
        }
        Path workdir = Path.of(spec.workdir());
        Files.createDirectories(workdir);
        EngineContext context = new EngineContext(spec, ctl, workdir, AppCommand.argv(spec, ctl),
                AppCommand.env(spec, ctl, attempt), launcher, this::say);
        requests = new ManualRequests(ctl, attemptJournal);
        committer = new CheckpointCommitter(engine, context, store, attemptJournal, config.host(), config.jobId(),
                policy.keep(), new Packer.Settings(policy.compressImages(), policy.dedupImages()), this::say);

        boolean restoring = engine.canCheckpoint() || requested.isPresent();
        if (restoring) vitals.phase(Phase.RESTORING, Optional.empty());
        Launch.Started started = new Launch(engine, context,
                new RestorePlanner(store, Optional.of(new ImageCompatibility(engine.name(), engine.version())), policy.fromScratch()),
                attemptJournal, ctl, this::say)
                .start(restoring, requested, g -> {
                    ending.lastGood(g);
                    journalStart();
                });
        if (started instanceof Launch.Started.Refused refused) {
            say(refused.reason() + ": " + refused.message());
            journalStart();
            return ending.finish(Outcome.ENGINE_ERROR, refused.environment() ? ExitCodes.ENVIRONMENT : ExitCodes.ENGINE_ERROR,
                    EndReason.ENGINE_ERROR, refused.message(), Optional.empty());
        }
        if (started instanceof Launch.Started.Failed failed) {
            return ending.failOrRetry(EndReason.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, failed.message());
        }
        Launch.Started.Running running = (Launch.Started.Running) started;
        AppProcess app = running.app();
        vitals.application(app);
        say("attempt " + attempt + " of step '" + spec.name() + "' running (engine " + engine.name()
                + running.from().map(g -> ", from generation " + g).orElse(", from scratch") + ", pgid " + app.pgid() + ")");
        ending.running(app);
        leftovers.recordApplication(app, attempt);
        Files.deleteIfExists(ctl.requests().resolve(ControlDir.REQUEST_RESTORE_GENERATION));
        vitals.phase(Phase.RUNNING, Optional.empty());
        committer.packInBackground();
        return loop(app);
    }

    private void journalStart() throws IOException {
        attemptJournal.start(config.jobId(), config.host(), config.restartCount(), ending.lastGood(), engine.name(),
                Optional.ofNullable(engine.version()), config.local());
    }

    // ---------------------------------------------------------------- 4. run: checkpoint on interval, signal, request

    private int loop(AppProcess app) throws IOException, InterruptedException {
        StepSpec.PolicySpec policy = spec.checkpoint();
        IntervalPlanner intervals = new IntervalPlanner(spec, attemptJournal, () -> Journal.read(ctl.root()), clock, attemptStart,
                YoungDaly.Limits.DEFAULT);
        Optional<Duration> interval = policy.autoInterval() && !engine.canCheckpoint() ? Optional.empty() : intervals.atStart();
        Optional<Instant> nextPeriodic = interval.map(d -> clock.instant().plus(d));
        String warning = Signals.canonical(policy.signal());
        while (true) {
            String sig = signals.poll(200, TimeUnit.MILLISECONDS);
            if (sig == null && !app.isAlive()) return applicationEnd.ended(app);
            if (sig != null) {
                if (applicationEnd.completedBefore(app)) return applicationEnd.ended(app); // it completed first
                if (sig.equals(warning)) {
                    say("warning signal SIG" + sig + ": checkpoint, requeue");
                    return stopAndRequeue(app, Trigger.SIGNAL, EndReason.WALLTIME, warningBudget(policy.lead()), Optional.empty());
                }
                if (isTermination(sig)) {
                    EndReason why = TermEndings.reason(endings.classify());
                    say("SIG" + sig + ": the job is ending (" + why.wireName() + "); checkpoint within " + config.termGrace().toSeconds() + " s if possible");
                    if (why == EndReason.CANCELLED && !TermEndings.checkpointOnCancel(spec)) {
                        return stopAndRequeue(app, Trigger.CANCEL, why, Duration.ZERO, Optional.empty());
                    }
                    return stopAndRequeue(app, why == EndReason.CANCELLED ? Trigger.CANCEL : Trigger.TERM, why, config.termGrace(), Optional.empty());
                }
                say("ignoring SIG" + sig);
                continue;
            }
            Optional<Integer> fromRequest = pollRequests(app);
            if (fromRequest.isPresent()) return fromRequest.get();
            if (nextPeriodic.isPresent() && !clock.instant().isBefore(nextPeriodic.get())) {
                if (engine.canCheckpoint()) {
                    // a periodic checkpoint has no deadline of its own; the warning signal or SIGTERM shortens this one
                    if (checkpoint(app, Trigger.INTERVAL, false, Deadline.in(clock, PERIODIC_CHECKPOINT_LIMIT), Optional.empty())) {
                        interval = intervals.afterCheckpoint(interval);   // 'auto': the cost just measured
                    } else {
                        interval = intervals.afterFailedCheckpoint(interval);
                    }
                }
                nextPeriodic = interval.map(d -> clock.instant().plus(d));
            }
        }
    }

    /** The warning arrives {@code lead} before the end, possibly up to 60 s earlier; keep a margin for the commit. */
    static Duration warningBudget(Duration lead) {
        Duration margin = lead.minusSeconds(10);
        Duration half = lead.dividedBy(2);
        Duration d = margin.compareTo(half) > 0 ? margin : half;
        return d.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : d;
    }

    private Optional<Integer> pollRequests(AppProcess app) throws IOException, InterruptedException {
        Optional<ManualRequests.Request> request = requests.poll();
        if (request.isEmpty()) return Optional.empty();
        Optional<String> id = request.get().id();
        if (request.get().stop()) {
            say("request: checkpoint and stop");
            return Optional.of(stopAndRequeue(app, Trigger.MANUAL, EndReason.STOPPED, STOP_REQUEST_LIMIT, id));
        }
        say("request: checkpoint now");
        if (!engine.canCheckpoint()) {
            attemptJournal.checkpointFailed(Trigger.MANUAL, 0, "engine '" + engine.name() + "' cannot checkpoint", id);
        } else {
            checkpoint(app, Trigger.MANUAL, false, Deadline.in(clock, PERIODIC_CHECKPOINT_LIMIT), id);
        }
        return Optional.empty();
    }

    /** @return whether a generation was committed */
    private boolean checkpoint(AppProcess app, Trigger trigger, boolean stop, Deadline deadline, Optional<String> requestId) throws IOException {
        vitals.phase(Phase.CHECKPOINTING, Optional.empty());
        checkpointDeadline = Optional.of(deadline);
        try {
            Optional<Integer> committed = committer.checkpoint(app, trigger, stop, deadline, requestId,
                    history.appSeconds() + ending.appSeconds(), ending.lastGood()).map(g -> g.number());
            committed.ifPresent(n -> ending.lastGood(Optional.of(n)));
            // an engine may have restarted the application under new processes (DMTCP with state files): what a
            // later attempt must end if this coordinator is killed is the new group
            if (!stop && app.isAlive()) leftovers.recordApplicationIfMoved(app, attempt);
            return committed.isPresent();
        } finally {
            checkpointDeadline = Optional.empty();
            if (!stop) vitals.phase(Phase.RUNNING, Optional.empty());
        }
    }

    // ---------------------------------------------------------------- 5. requeue, 6. finish

    /** The job is ending (warning signal, SIGTERM, or a stop request): checkpoint, then requeue or stop. */
    private int stopAndRequeue(AppProcess app, Trigger trigger, EndReason reason, Duration grace, Optional<String> requestId)
            throws IOException, InterruptedException {
        if (engine.canCheckpoint() && !grace.isZero()) {
            Duration cost = CheckpointCommitter.lastCommitDuration(Journal.read(ctl.root()));
            if ((trigger == Trigger.TERM || trigger == Trigger.CANCEL) && cost.compareTo(grace) > 0) {
                say("no checkpoint on SIGTERM: the last one took " + cost.toSeconds() + " s, more than the "
                        + grace.toSeconds() + " s grace; restarting from generation " + ending.lastGood().map(String::valueOf).orElse("null"));
                attemptJournal.checkpointFailed(trigger, 0, "skipped: grace " + grace.toSeconds()
                        + " s shorter than the last checkpoint (" + cost.toMillis() + " ms)", requestId);
            } else {
                boolean saved = checkpoint(app, trigger, true, Deadline.in(clock, grace), requestId);
                if (!saved && ApplicationEnd.killedOutright(app)) {
                    // SIGKILLed as the job was ending: it saved nothing, like any application killed mid-run; retried
                    // (from the last generation, or from the pre-launch state files) within its retry budget
                    Files.deleteIfExists(ctl.exitMarker());
                    return ending.failOrRetry(EndReason.FAILED, LaunchWrapper.KILLED_STATUS, "the application was killed (SIGKILL) as the job was ending");
                }
                // the warning's checkpoint failed and none came before: every later window would end the same way, over
                // the work done so far. A preemption (or cancel) takes the job away anyway: it is requeued from scratch, as
                // Slurm would, the application having usually died of the same SIGTERM (TermEndings)
                // (unless the policy says fromScratch 'allow': then it requeues as any stop would, Ending says so)
                if (!saved && ending.lastGood().isEmpty() && reason == EndReason.WALLTIME && !ending.startsOverFromScratch(trigger)) {
                    return ending.refuseRestartFromScratch(trigger);   // ends the application first
                }
            }
        } else {
            say("engine 'none': ending the application; the next attempt starts from scratch");
        }
        Apps.terminate(app, Duration.ofSeconds(5));
        Files.deleteIfExists(ctl.exitMarker());
        reason = TermEndings.beforeRequeue(reason, endings, this::say); // a scancel during the checkpoint is honoured
        if (reason == EndReason.STOPPED) return ending.stopped();
        if (reason == EndReason.CANCELLED) return ending.cancelled(Optional.empty());
        return ending.requeue(reason, Optional.empty(), RequeueKind.RESTART);
    }
}
