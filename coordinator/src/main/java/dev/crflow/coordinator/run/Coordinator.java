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
import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.RequeueKind;
import dev.crflow.coordinator.journal.Trigger;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.slurm.Requeuer;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.spec.StepSpec;

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
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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

    // read by signal handlers
    private volatile Optional<Deadline> checkpointDeadline = Optional.empty();
    private volatile Optional<StepSpec.PolicySpec> policyForSignals = Optional.empty();

    // the attempt, set up by runLocked()
    private StepSpec spec;
    private Journal journal;
    private AttemptJournal attemptJournal;
    private History history;
    private Budget budget;
    private CheckpointEngine engine;
    private CheckpointCommitter committer;
    private Leftovers leftovers;
    private int attempt;
    private Instant attemptStart;
    private Optional<Instant> appStart = Optional.empty();
    private Optional<AppProcess> app = Optional.empty();
    private Optional<Integer> lastGood = Optional.empty();

    public Coordinator(Config config, Clock clock, ProcessLauncher launcher, Requeuer requeuer,
                       Function<StepSpec, CheckpointEngine> engines, PrintStream log) {
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
        var store = dev.crflow.coordinator.store.ImageStore.open(ctl.root());
        for (Path p : store.removePartials()) say("removed " + p.getFileName() + ": a checkpoint a killed coordinator never committed");
        attempt = history.attempts() + 1;
        attemptJournal = new AttemptJournal(journal, attempt);
        vitals.attempt(attempt);
        vitals.phase(Phase.STARTING, Optional.empty());
        vitals.start();

        StepSpec.PolicySpec policy = spec.checkpoint();
        budget = new Budget(policy.maxRestarts(), spec.retry(), policy.totalTime(), spec.resources().time());
        Optional<String> spent = budget.exhaustedBeforeStart(history);
        if (spent.isPresent()) return finishBudget(spent.get(), Optional.empty());

        engine = engines.apply(spec);
        try {
            engine.check();
        } catch (EngineException e) {
            say(e.getMessage());
            journalStart();
            return finish(Outcome.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, EndReason.ENGINE_ERROR, e.getMessage(), Optional.empty());
        }
        Path workdir = Path.of(spec.workdir());
        Files.createDirectories(workdir);
        EngineContext context = new EngineContext(spec, ctl, workdir, AppCommand.argv(spec, ctl),
                AppCommand.env(spec, ctl, attempt), launcher, this::say);
        committer = new CheckpointCommitter(engine, context, store, attemptJournal, config.host(), config.jobId(),
                policy.keep(), this::say);

        Optional<Integer> ended = restoreOrLaunch(new RestorePlanner(store), context, requested);
        if (ended.isPresent()) return ended.get();
        appStart = Optional.of(clock.instant());
        leftovers.recordApplication(app.orElseThrow(), attempt);
        Files.deleteIfExists(ctl.requests().resolve(ControlDir.REQUEST_RESTORE_GENERATION));
        vitals.phase(Phase.RUNNING, Optional.empty());
        return loop();
    }

    /**
     * Restarts from the plan's generation, falling back (and saying so) while restarts fail; launches from scratch when
     * there is nothing to restore. Empty when the application runs; else the attempt already ended with this exit code.
     */
    private Optional<Integer> restoreOrLaunch(RestorePlanner planner, EngineContext context, Optional<Integer> requested)
            throws IOException, InterruptedException {
        boolean restoring = engine.canCheckpoint() || requested.isPresent();
        if (restoring) vitals.phase(Phase.RESTORING, Optional.empty());
        Set<Integer> unusable = new HashSet<>();
        Optional<Integer> restartFailed = Optional.empty();
        while (true) {
            RestorePlan plan = restoring ? planner.plan(requested, unusable) : new RestorePlan.Fresh();
            for (RestorePlan.Rejected r : plan.rejected()) {
                say("generation " + r.generation() + " cannot be used: " + r.problem());
                attemptJournal.restore(r.generation(), false, Optional.empty(), r.problem());
            }
            if (plan instanceof RestorePlan.Refused refused) {
                String msg = "no image generation verifies and restarts; refusing to start from scratch over checkpointed work."
                        + " Inspect " + ctl.images() + " (crflow-coordinator images --control " + ctl + " --verify) and remove"
                        + " the bad generations to start over";
                say(refused.reason() + ": " + msg);
                journalStart();
                return Optional.of(finish(Outcome.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, EndReason.ENGINE_ERROR, msg, Optional.empty()));
            }
            Optional<RestorePlan.FromGeneration> from = plan instanceof RestorePlan.FromGeneration f ? Optional.of(f) : Optional.empty();
            from.flatMap(RestorePlan.FromGeneration::fallbackFrom).ifPresent(bad -> say("generation " + bad
                    + " failed verification; falling back to generation " + from.get().generation().number()));
            setLastGood(from.map(f -> f.generation().number()));
            journalStart();
            Files.deleteIfExists(ctl.exitMarker());
            try {
                app = Optional.of(from.isPresent() && engine.canCheckpoint()
                        ? engine.restart(context, from.get().generation().path(), from.get().manifest())
                        : engine.launch(context));
            } catch (EngineException e) {
                say(e.getMessage());
                if (from.isEmpty() || requested.isPresent()) {
                    return Optional.of(failOrRetry(EndReason.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, e.getMessage()));
                }
                int bad = from.get().generation().number();
                attemptJournal.restore(bad, false, restartFailed, "restart failed: " + e.getMessage());
                unusable.add(bad);
                restartFailed = Optional.of(bad);
                continue;
            }
            if (from.isPresent()) {
                int g = from.get().generation().number();
                Optional<Integer> fellBackFrom = restartFailed.or(() -> from.get().fallbackFrom());
                attemptJournal.restore(g, true, fellBackFrom, "restarted from generation " + g
                        + fellBackFrom.map(n -> ", falling back from generation " + n).orElse(""));
            }
            vitals.application(app.get());
            say("attempt " + attempt + " of step '" + spec.name() + "' running (engine " + engine.name()
                    + from.map(f -> ", from generation " + f.generation().number()).orElse(", from scratch")
                    + ", pgid " + app.get().pgid() + ")");
            return Optional.empty();
        }
    }

    private void journalStart() throws IOException {
        attemptJournal.start(config.jobId(), config.host(), config.restartCount(), lastGood,
                engine == null ? spec.checkpoint().engine().name().toLowerCase() : engine.name(),
                engine == null ? Optional.empty() : Optional.ofNullable(engine.version()), config.local());
    }

    private void setLastGood(Optional<Integer> generation) {
        lastGood = generation;
        vitals.generation(generation);
    }

    // ---------------------------------------------------------------- 4. run: checkpoint on interval, signal, request

    private int loop() throws IOException, InterruptedException {
        StepSpec.PolicySpec policy = spec.checkpoint();
        AppProcess running = app.orElseThrow();
        Optional<Duration> interval = policy.interval().filter(d -> !d.isZero() && !d.isNegative());
        Optional<Instant> nextPeriodic = interval.map(d -> clock.instant().plus(d));
        String warning = Signals.canonical(policy.signal());
        while (true) {
            String sig = signals.poll(200, TimeUnit.MILLISECONDS);
            if (sig == null && !running.isAlive()) return appEnded();
            if (sig != null) {
                if (!running.isAlive() && markerStatus().isPresent()) return appEnded(); // it completed first
                if (sig.equals(warning)) {
                    say("warning signal SIG" + sig + ": checkpoint, requeue");
                    return stopAndRequeue(Trigger.SIGNAL, EndReason.WALLTIME, warningBudget(policy.lead()), Optional.empty());
                }
                if (isTermination(sig)) {
                    say("SIG" + sig + ": the job is ending; checkpoint within " + config.termGrace().toSeconds() + " s if possible");
                    return stopAndRequeue(Trigger.TERM, EndReason.PREEMPTED, config.termGrace(), Optional.empty());
                }
                say("ignoring SIG" + sig);
                continue;
            }
            Optional<Integer> fromRequest = pollRequests();
            if (fromRequest.isPresent()) return fromRequest.get();
            if (nextPeriodic.isPresent() && !clock.instant().isBefore(nextPeriodic.get())) {
                if (engine.canCheckpoint()) {
                    // a periodic checkpoint has no deadline of its own; the warning signal or SIGTERM shortens this one
                    checkpoint(Trigger.INTERVAL, false, Deadline.in(clock, PERIODIC_CHECKPOINT_LIMIT), Optional.empty());
                }
                nextPeriodic = Optional.of(clock.instant().plus(interval.get()));
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

    private Optional<Integer> pollRequests() throws IOException, InterruptedException {
        Path stop = ctl.requests().resolve(ControlDir.REQUEST_STOP);
        Path now = ctl.requests().resolve(ControlDir.REQUEST_CHECKPOINT);
        if (Files.exists(stop)) {
            Optional<String> id = consumeRequest(stop, true);
            say("request: checkpoint and stop");
            return Optional.of(stopAndRequeue(Trigger.MANUAL, EndReason.STOPPED, STOP_REQUEST_LIMIT, id));
        }
        if (Files.exists(now)) {
            Optional<String> id = consumeRequest(now, false);
            say("request: checkpoint now");
            if (!engine.canCheckpoint()) {
                attemptJournal.checkpointFailed(Trigger.MANUAL, 0, "engine '" + engine.name() + "' cannot checkpoint", id);
            } else {
                checkpoint(Trigger.MANUAL, false, Deadline.in(clock, PERIODIC_CHECKPOINT_LIMIT), id);
            }
        }
        return Optional.empty();
    }

    /** Deletes the request file and journals it; a request without a readable body is still a request. */
    private Optional<String> consumeRequest(Path file, boolean stop) throws IOException {
        Optional<String> id = Optional.empty();
        try {
            Map<?, ?> m = SpecReader.mapper().readValue(file.toFile(), Map.class);
            id = Optional.ofNullable(m.get("id")).map(Object::toString);
        } catch (IOException ignored) {
            // no id to answer with
        }
        Files.deleteIfExists(file);
        attemptJournal.request(id, stop);
        return id;
    }

    private void checkpoint(Trigger trigger, boolean stop, Deadline deadline, Optional<String> requestId) throws IOException {
        vitals.phase(Phase.CHECKPOINTING, Optional.empty());
        checkpointDeadline = Optional.of(deadline);
        try {
            committer.checkpoint(app.orElseThrow(), trigger, stop, deadline, requestId,
                    history.appSeconds() + appSecondsThisAttempt(), lastGood).ifPresent(g -> setLastGood(Optional.of(g.number())));
        } finally {
            checkpointDeadline = Optional.empty();
            if (!stop) vitals.phase(Phase.RUNNING, Optional.empty());
        }
    }

    // ---------------------------------------------------------------- 5. requeue, 6. finish

    /** The job is ending (warning signal, SIGTERM, or a stop request): checkpoint, then requeue or stop. */
    private int stopAndRequeue(Trigger trigger, EndReason reason, Duration grace, Optional<String> requestId)
            throws IOException, InterruptedException {
        if (engine.canCheckpoint()) {
            Duration cost = CheckpointCommitter.lastCommitDuration(Journal.read(ctl.root()));
            if (trigger == Trigger.TERM && cost.compareTo(grace) > 0) {
                say("no checkpoint on SIGTERM: the last one took " + cost.toSeconds() + " s, more than the "
                        + grace.toSeconds() + " s grace; restarting from generation " + lastGood.map(String::valueOf).orElse("null"));
                attemptJournal.checkpointFailed(trigger, 0, "skipped: grace " + grace.toSeconds()
                        + " s shorter than the last checkpoint (" + cost.toMillis() + " ms)", requestId);
            } else {
                checkpoint(trigger, true, Deadline.in(clock, grace), requestId);
            }
        } else {
            say("engine 'none': ending the application; the next attempt starts from scratch");
        }
        Apps.terminate(app.orElseThrow(), Duration.ofSeconds(5));
        Files.deleteIfExists(ctl.exitMarker());
        if (reason == EndReason.STOPPED) {
            endAttempt(EndReason.STOPPED, Optional.empty(), false);
            vitals.phase(Phase.STOPPED, Optional.of("stopped on request; resume with crflow restart"));
            return ExitCodes.STOPPED;
        }
        return requeue(reason, Optional.empty(), RequeueKind.RESTART);
    }

    private Optional<Integer> markerStatus() {
        try {
            return Optional.of(Integer.parseInt(Files.readString(ctl.exitMarker()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Natural completion is known from the launch wrapper's marker, never from an exit code (DMTCP exits 0 on checkpoint). */
    private int appEnded() throws IOException, InterruptedException {
        AppProcess running = app.orElseThrow();
        OptionalInt st = running.waitFor(Duration.ofSeconds(1));
        int leaderStatus = st.orElse(-1);
        // children of the application that outlive it are part of this attempt; end them
        if (running.groupAlive()) {
            Apps.awaitGroupExit(running, Deadline.in(clock, Duration.ofSeconds(2)));
            if (running.groupAlive()) Apps.terminate(running, Duration.ofSeconds(3));
        }
        Optional<Integer> marker = markerStatus();
        Files.deleteIfExists(ctl.exitMarker());
        if (marker.isPresent()) {
            int code = marker.get();
            if (code == 0) {
                say("the application completed (exit 0)");
                return finish(Outcome.COMPLETED, 0, EndReason.COMPLETED, "completed", Optional.of(0));
            }
            say("the application failed with exit code " + code);
            return failOrRetry(EndReason.FAILED, code, "the application exited with " + code);
        }
        if (engine.isEngineFailure(leaderStatus, false)) {
            return failOrRetry(EndReason.ENGINE_ERROR, ExitCodes.ENGINE_ERROR,
                    "engine '" + engine.name() + "' failed (status " + leaderStatus + ")");
        }
        return failOrRetry(EndReason.FAILED, leaderStatus < 0 ? 1 : leaderStatus,
                "the launch wrapper ended (status " + leaderStatus + ") without a completion marker: killed from outside?");
    }

    private int failOrRetry(EndReason reason, int code, String message) throws IOException, InterruptedException {
        if (app.isPresent()) Apps.terminate(app.get(), Duration.ofSeconds(3));
        if (budget.mayRetry(history)) {
            say(message + "; retry " + (history.retries() + 1) + " of " + spec.retry()
                    + lastGood.map(g -> " from generation " + g).orElse(" (from scratch)"));
            return requeue(reason, Optional.of(code), RequeueKind.RETRY);
        }
        Outcome outcome = reason == EndReason.ENGINE_ERROR ? Outcome.ENGINE_ERROR : Outcome.FAILED;
        return finish(outcome, code, reason, message + (spec.retry() > 0 ? " (retries used up: " + spec.retry() + ")" : ""),
                Optional.of(code));
    }

    private int requeue(EndReason reason, Optional<Integer> exitCode, RequeueKind kind) throws IOException, InterruptedException {
        Budget.Decision decision = budget.requeue(kind, history, elapsedSeconds());
        if (decision instanceof Budget.Decision.Exhausted ex) return finishBudget(ex.why(), exitCode);
        Budget.Decision.Requeue next = (Budget.Decision.Requeue) decision;
        vitals.phase(Phase.REQUEUEING, Optional.empty());
        Requeuer.Outcome r = requeuer.requeue(new Requeuer.Plan(config.jobId(), spec.name(), next.nextTimeLimit(), next.remaining()));
        attemptJournal.requeue(r.ok(), kind, r.message(), next.nextTimeLimit().map(Duration::toSeconds),
                next.remaining().map(Duration::toSeconds));
        say(r.message());
        endAttempt(reason, exitCode, true);
        return ExitCodes.REQUEUED;
    }

    private int finishBudget(String why, Optional<Integer> exitCode) throws IOException {
        say("budget exhausted: " + why + "; the step ends here (last good generation: "
                + lastGood.map(String::valueOf).orElse("none") + ")");
        return finish(Outcome.BUDGET_EXHAUSTED, ExitCodes.BUDGET_EXHAUSTED, EndReason.BUDGET_EXHAUSTED, why, exitCode);
    }

    /** The step's final end: {@code attempt-end}, then {@code result.json} with the journal's counts. */
    private int finish(Outcome outcome, int processExit, EndReason reason, String message, Optional<Integer> appExit)
            throws IOException {
        endAttempt(reason, appExit, false);
        History h = History.read(ctl.root());
        Result result = new Result(outcome, processExit, attempt, h.restarts(), h.retries(), message);
        SafeFiles.writeAtomically(ctl.result(), SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        vitals.phase(outcome == Outcome.COMPLETED ? Phase.COMPLETED : Phase.FAILED, Optional.of(message));
        Files.deleteIfExists(ctl.appProcess());
        return processExit;
    }

    private void endAttempt(EndReason reason, Optional<Integer> exitCode, boolean requeued) throws IOException {
        if (!attemptJournal.end(reason, exitCode, elapsedSeconds(), appSecondsThisAttempt(), requeued, lastGood)) return;
        if (app.isEmpty() || !app.get().groupAlive()) Files.deleteIfExists(ctl.appProcess());
    }

    private double elapsedSeconds() { return Duration.between(attemptStart, clock.instant()).toMillis() / 1000.0; }

    private double appSecondsThisAttempt() {
        return appStart.map(s -> Duration.between(s, clock.instant()).toMillis() / 1000.0).orElse(0.0);
    }
}
