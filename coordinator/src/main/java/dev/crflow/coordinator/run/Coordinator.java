package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.control.Status;
import dev.crflow.coordinator.engine.Apps;
import dev.crflow.coordinator.engine.CheckpointEngine;
import dev.crflow.coordinator.engine.Deadline;
import dev.crflow.coordinator.engine.EngineContext;
import dev.crflow.coordinator.engine.EngineException;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.ProcSampler;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.slurm.Requeuer;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.spec.StepSpec;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One attempt of one step, as a state machine:
 * {@code STARTING → RESTORING → RUNNING ⇄ CHECKPOINTING → (REQUEUEING | FINISHED)}.
 *
 * <p>Everything it learns goes to the control directory (journal, status, heartbeat, samples, result);
 * everything it decides from earlier attempts comes from the journal. Signal handlers only enqueue; all
 * decisions happen on the thread that calls {@link #run()} (which also launched the application, see
 * {@link dev.crflow.coordinator.proc.SystemProcessLauncher}).
 */
public final class Coordinator {

    /** Where the state machine is. */
    public enum State { STARTING, RESTORING, RUNNING, CHECKPOINTING, REQUEUEING, FINISHED }

    /** Why an attempt ended (journal {@code attempt-end.reason}). */
    public enum EndReason {
        COMPLETED("completed"), PREEMPTED("preempted"), WALLTIME("walltime"), FAILED("failed"),
        ENGINE_ERROR("engine-error"), BUDGET_EXHAUSTED("budget-exhausted"), STOPPED("stopped"), LOST("lost");

        public final String journalName;
        EndReason(String n) { this.journalName = n; }
    }

    /**
     * @param termGrace what the coordinator allows itself after SIGTERM (Slurm's KillWait is 30 s by default;
     *                  stay well inside it so the process is not SIGKILLed mid-commit — harmless, but wasted)
     */
    public record Config(Path ctl, boolean local, String jobId, int restartCount, String host,
                         Duration termGrace, Optional<Integer> generation) {}

    /** Upper bound for a periodic or manual checkpoint (a hung engine must not hold the coordinator forever). */
    static final Duration PERIODIC_CHECKPOINT_LIMIT = Duration.ofMinutes(30);

    private final Config config;
    private final ControlDir ctl;
    private final Clock clock;
    private final ProcessLauncher launcher;
    private final Requeuer requeuer;
    private final Function<StepSpec, CheckpointEngine> engines;
    private final PrintStream log;
    private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();

    private volatile State state = State.STARTING;
    private volatile Phase phase = Phase.STARTING;
    private volatile AppProcess app;
    private volatile Deadline currentDeadline;
    private volatile Integer currentGeneration;
    private StepSpec spec;
    private Journal journal;
    private ImageStore store;
    private CheckpointEngine engine;
    private EngineContext engineContext;
    private History history;
    private int attempt;
    private Instant attemptStart;
    private Instant appStart;
    private ScheduledExecutorService background;
    private FileChannel samplesChannel;

    public Coordinator(Config config, Clock clock, ProcessLauncher launcher, Requeuer requeuer,
                       Function<StepSpec, CheckpointEngine> engines, PrintStream log) {
        this.config = config;
        this.ctl = ControlDir.of(config.ctl());
        this.clock = clock;
        this.launcher = launcher;
        this.requeuer = requeuer;
        this.engines = engines;
        this.log = log;
    }

    public State state() { return state; }

    /** Called from signal handlers: only enqueue; TERM also brings a running checkpoint's deadline forward. */
    public void onSignal(String name) {
        String sig = Signals.canonical(name);
        Deadline d = currentDeadline;
        if (d != null) {
            if (sig.equals("TERM") || sig.equals("INT") || sig.equals("HUP")) {
                d.shortenTo(clock.instant().plus(config.termGrace()));
            } else if (spec != null && sig.equals(Signals.canonical(spec.checkpoint().signal()))) {
                // a periodic checkpoint in progress must leave time for the stop checkpoint the warning asks for
                d.shortenTo(clock.instant().plus(warningBudget(spec.checkpoint().lead()).dividedBy(2)));
            }
        }
        signals.add(sig);
    }

    private void say(String msg) { log.println("crflow-coordinator: " + msg); log.flush(); }

    // ---------------------------------------------------------------- run

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
                stopBackground();
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

    private int runLocked() throws IOException, InterruptedException {
        try {
            spec = SpecReader.read(ctl.spec());
        } catch (IOException | RuntimeException e) {
            say("cannot read the step's spec " + ctl.spec() + ": " + e.getMessage());
            return ExitCodes.INVALID;
        }
        Optional<Integer> requested = config.generation().or(ctl::pendingRestoreRequest);
        Optional<Result> done = ctl.readResult();
        if (done.isPresent() && requested.isEmpty()) {
            say("step '" + spec.name() + "' already ended (" + done.get().outcome() + ", exit " + done.get().exitCode()
                    + "); nothing to do. Restart it from a generation with: run --generation N");
            return done.get().exitCode();
        }
        if (done.isPresent()) Files.deleteIfExists(ctl.result());

        journal = Journal.openForAppend(ctl.journal(), clock);
        store = ImageStore.open(ctl.root());
        history = History.of(Journal.read(ctl.root()));
        recoverLostAttempt();
        killLeftovers();
        for (Path p : store.removePartials()) say("removed " + p.getFileName() + ": a checkpoint a killed coordinator never committed");
        attempt = history.attempts() + 1;
        setPhase(Phase.STARTING, null);
        startBackground();

        StepSpec.PolicySpec policy = spec.checkpoint();
        // a budget already spent (e.g. a coordinator killed repeatedly) ends the step before it starts again
        if (policy.totalTime().isPresent() && history.computeSeconds() >= policy.totalTime().get().toSeconds()) {
            return finishBudget("totalTime " + policy.totalTime().get() + " used up (" + Math.round(history.computeSeconds()) + " s)", Optional.empty());
        }

        engine = engines.apply(spec);
        try {
            engine.check();
        } catch (EngineException e) {
            say(e.getMessage());
            journal.append(JournalEvent.ATTEMPT_START, attemptStartFields(null));
            return finish(Outcome.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, EndReason.ENGINE_ERROR, e.getMessage(), Optional.empty());
        }

        Path workdir = Path.of(spec.workdir());
        Files.createDirectories(workdir);
        engineContext = new EngineContext(spec, ctl, workdir, applicationArgv(), applicationEnv(), launcher, this::say);

        // ---- RESTORING: the newest generation that verifies (or the requested one), falling back and saying so
        state = State.RESTORING;
        Set<Integer> unusable = new java.util.HashSet<>();
        boolean restoring = engine.canCheckpoint() || requested.isPresent();
        if (restoring) setPhase(Phase.RESTORING, null);
        boolean journalled = false;
        Integer previousFailure = null;
        while (true) {
            Optional<Generation> from = Optional.empty();
            Optional<Manifest> manifest = Optional.empty();
            if (restoring) {
                Optional<ImageStore.Verification> chosen = chooseGeneration(requested, unusable);
                if (chosen == null) {
                    String msg = "no image generation verifies and restarts; refusing to start from scratch over checkpointed work."
                            + " Inspect " + store.directory() + " (crflow-coordinator images --control " + ctl + " --verify) and remove"
                            + " the bad generations to start over";
                    say(msg);
                    if (!journalled) journal.append(JournalEvent.ATTEMPT_START, attemptStartFields(null));
                    return finish(Outcome.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, EndReason.ENGINE_ERROR, msg, Optional.empty());
                }
                from = chosen.map(ImageStore.Verification::generation);
                manifest = chosen.flatMap(ImageStore.Verification::manifest);
            }
            currentGeneration = from.map(Generation::number).orElse(null);
            if (!journalled) {
                journal.append(JournalEvent.ATTEMPT_START, attemptStartFields(currentGeneration));
                journalled = true;
            }
            Files.deleteIfExists(ctl.exitMarker());
            try {
                app = from.isPresent() && engine.canCheckpoint()
                        ? engine.restart(engineContext, from.get().path(), manifest.orElseThrow())
                        : engine.launch(engineContext);
            } catch (EngineException e) {
                say(e.getMessage());
                if (from.isEmpty() || requested.isPresent()) {
                    return failOrRetry(EndReason.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, e.getMessage());
                }
                journal.append(JournalEvent.RESTORE, "attempt", attempt, "generation", from.get().number(), "ok", false,
                        "fallbackFrom", previousFailure, "message", "restart failed: " + e.getMessage());
                unusable.add(from.get().number());
                previousFailure = from.get().number();
                continue;
            }
            if (from.isPresent()) {
                journal.append(JournalEvent.RESTORE, "attempt", attempt, "generation", from.get().number(), "ok", true,
                        "fallbackFrom", previousFailure != null ? previousFailure : pendingFallbackFrom,
                        "message", "restarted from generation " + from.get().number()
                                + (previousFailure == null && pendingFallbackFrom == null ? ""
                                : ", falling back from generation " + (previousFailure != null ? previousFailure : pendingFallbackFrom)));
            }
            say("attempt " + attempt + " of step '" + spec.name() + "' running (engine " + engine.name()
                    + (from.isPresent() ? ", from generation " + from.get().number() : ", from scratch") + ", pgid " + app.pgid() + ")");
            break;
        }
        appStart = clock.instant();
        recordAppProcess();
        Files.deleteIfExists(ctl.requests().resolve(ControlDir.REQUEST_RESTORE_GENERATION));
        state = State.RUNNING;
        setPhase(Phase.RUNNING, null);
        return loop();
    }

    // ---------------------------------------------------------------- main loop

    private int loop() throws IOException, InterruptedException {
        StepSpec.PolicySpec policy = spec.checkpoint();
        Optional<Duration> interval = policy.interval().filter(d -> !d.isZero() && !d.isNegative());
        Instant nextPeriodic = interval.map(d -> clock.instant().plus(d)).orElse(null);
        String warning = Signals.canonical(policy.signal());
        while (true) {
            String sig = signals.poll(200, TimeUnit.MILLISECONDS);
            if (!app.isAlive() && sig == null) {
                return appEnded();
            }
            if (sig != null) {
                if (!app.isAlive() && markerStatus().isPresent()) return appEnded(); // it completed first
                if (sig.equals(warning)) {
                    say("warning signal SIG" + sig + ": checkpoint, requeue");
                    return stopAndRequeue("signal", EndReason.WALLTIME, warningBudget(policy.lead()), null);
                }
                if (sig.equals("TERM") || sig.equals("INT") || sig.equals("HUP")) {
                    say("SIG" + sig + ": the job is ending; checkpoint within " + config.termGrace().toSeconds() + " s if possible");
                    return stopAndRequeue("term", EndReason.PREEMPTED, config.termGrace(), null);
                }
                say("ignoring SIG" + sig);
                continue;
            }
            Optional<Integer> fromRequest = pollRequests();
            if (fromRequest.isPresent()) return fromRequest.get();
            if (nextPeriodic != null && !clock.instant().isBefore(nextPeriodic)) {
                if (engine.canCheckpoint()) {
                    // a periodic checkpoint has no deadline of its own; the warning signal or SIGTERM shortens this one
                    checkpoint("interval", false, Deadline.in(clock, PERIODIC_CHECKPOINT_LIMIT), null);
                }
                nextPeriodic = clock.instant().plus(interval.get());
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
            String id = consumeRequest(stop, true);
            say("request: checkpoint and stop");
            return Optional.of(stopAndRequeue("manual", EndReason.STOPPED, Duration.ofHours(1), id));
        }
        if (Files.exists(now)) {
            String id = consumeRequest(now, false);
            say("request: checkpoint now");
            if (!engine.canCheckpoint()) {
                journal.append(JournalEvent.CHECKPOINT, checkpointFields(null, "manual", 0, 0, false,
                        "engine '" + engine.name() + "' cannot checkpoint", id));
            } else {
                checkpoint("manual", false, Deadline.in(clock, PERIODIC_CHECKPOINT_LIMIT), id);
            }
        }
        return Optional.empty();
    }

    private String consumeRequest(Path file, boolean stop) throws IOException {
        String id = null;
        try {
            Map<?, ?> m = SpecReader.mapper().readValue(file.toFile(), Map.class);
            Object v = m.get("id");
            id = v == null ? null : v.toString();
        } catch (IOException ignored) {
            // a request without a readable body is still a request
        }
        Files.deleteIfExists(file);
        journal.append(JournalEvent.REQUEST, "attempt", attempt, "requestId", id, "stop", stop, "accepted", true);
        return id;
    }

    // ---------------------------------------------------------------- checkpoint

    /** Writes and commits one generation. A failure leaves every committed generation as it was. */
    private Optional<Generation> checkpoint(String trigger, boolean stop, Deadline deadline, String requestId) throws IOException {
        State before = state;
        state = State.CHECKPOINTING;
        setPhase(Phase.CHECKPOINTING, null);
        currentDeadline = deadline;
        long t0 = System.nanoTime();
        ImageStore.Pending pending = null;
        try {
            pending = engine.partialDirectoryName().isPresent()
                    ? store.beginNamed(engine.partialDirectoryName().get()) : store.begin(trigger);
            Map<String, Object> data = engine.checkpoint(engineContext, app, pending, stop, deadline);
            Generation g = pending.commit(new ImageStore.Provenance(engine.name(), engine.version(), config.host(),
                    config.jobId(), attempt, trigger, history.appSeconds() + appSecondsThisAttempt(), data));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            currentGeneration = g.number();
            Map<String, Object> fields = checkpointFields(g.number(), trigger, ms, g.bytes(), true, null, requestId);
            fields.put("commit", pending.timings());
            journal.append(JournalEvent.CHECKPOINT, fields);
            say("checkpoint " + trigger + ": generation " + g.number() + " committed (" + g.bytes() + " bytes, " + ms + " ms)");
            try {
                List<Integer> pruned = store.prune(spec.checkpoint().keep());
                if (!pruned.isEmpty()) say("pruned generations " + pruned + " (keep " + spec.checkpoint().keep() + ")");
            } catch (IOException e) {
                say("could not prune old generations: " + e.getMessage());
            }
            return Optional.of(g);
        } catch (EngineException | IOException | RuntimeException e) {
            if (pending != null) pending.abandon(engine.partialDirectoryName().isEmpty());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            journal.append(JournalEvent.CHECKPOINT, checkpointFields(null, trigger, ms, 0, false, msg, requestId));
            say("checkpoint " + trigger + " FAILED: " + msg + "; the last good generation ("
                    + (currentGeneration == null ? "none" : currentGeneration) + ") is untouched");
            return Optional.empty();
        } finally {
            currentDeadline = null;
            if (!stop) {
                state = before;
                setPhase(Phase.RUNNING, null);
            }
        }
    }

    private Map<String, Object> checkpointFields(Integer gen, String trigger, long ms, long bytes, boolean ok, String error,
                                                 String requestId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", attempt);
        m.put("generation", gen);
        m.put("trigger", trigger);
        m.put("durationMs", ms);
        m.put("bytes", bytes);
        m.put("ok", ok);
        m.put("error", error);
        m.put("requestId", requestId);
        return m;
    }

    /** The job is ending (warning signal, SIGTERM, or a stop request): checkpoint, then requeue or stop. */
    private int stopAndRequeue(String trigger, EndReason reason, Duration budget, String requestId)
            throws IOException, InterruptedException {
        if (engine.canCheckpoint()) {
            Duration cost = lastCheckpointCost();
            if (trigger.equals("term") && cost.compareTo(budget) > 0) {
                say("no checkpoint on SIGTERM: the last one took " + cost.toSeconds() + " s, more than the "
                        + budget.toSeconds() + " s grace; restarting from generation " + currentGeneration);
                journal.append(JournalEvent.CHECKPOINT, checkpointFields(null, trigger, 0, 0, false,
                        "skipped: grace " + budget.toSeconds() + " s shorter than the last checkpoint (" + cost.toMillis() + " ms)", requestId));
            } else {
                boolean saved = checkpoint(trigger, true, Deadline.in(clock, budget), requestId).isPresent();
                if (!saved && currentGeneration == null && reason != EndReason.STOPPED) {
                    return refuseRestartFromScratch(trigger);
                }
            }
        } else {
            say("engine 'none': ending the application; the next attempt starts from scratch");
        }
        Apps.terminate(app, Duration.ofSeconds(5));
        Files.deleteIfExists(ctl.exitMarker());
        if (reason == EndReason.STOPPED) {
            endAttempt(EndReason.STOPPED, null, false);
            setPhase(Phase.STOPPED, "stopped on request; resume with crflow restart");
            state = State.FINISHED;
            return ExitCodes.STOPPED;
        }
        return requeue(reason, null, "restart");
    }

    /**
     * The stop checkpoint failed and no earlier generation exists: a requeue would run the application from scratch
     * over the work it has already done (its outputs may hold part of it: numbers counted twice), and the step could
     * still end "completed". End it loudly instead, as the restore path does when no generation verifies.
     */
    private int refuseRestartFromScratch(String trigger) throws IOException, InterruptedException {
        Apps.terminate(app, Duration.ofSeconds(5));
        Files.deleteIfExists(ctl.exitMarker());
        String msg = "the " + trigger + " checkpoint failed and there is no earlier generation: a requeue would restart the"
                + " application from scratch over the work it has done, so the step ends here. Fix the cause (see the"
                + " checkpoint error above) and run the step again";
        say(msg);
        return finish(Outcome.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, EndReason.ENGINE_ERROR, msg, Optional.empty());
    }

    private Duration lastCheckpointCost() throws IOException {
        long worst = 0;
        for (JournalEvent e : Journal.read(ctl.root())) {
            if (e.is(JournalEvent.CHECKPOINT) && e.ok().orElse(false)) worst = e.durationMs().orElse(0L);
        }
        return Duration.ofMillis(worst);
    }

    // ---------------------------------------------------------------- completion and failure

    private Optional<Integer> markerStatus() {
        try {
            return Optional.of(Integer.parseInt(Files.readString(ctl.exitMarker()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private int appEnded() throws IOException, InterruptedException {
        OptionalInt st = app.waitFor(Duration.ofSeconds(1));
        int leaderStatus = st.orElse(-1);
        // children of the application that outlive it are part of this attempt; end them
        if (app.groupAlive()) {
            Apps.awaitGroupExit(app, Deadline.in(clock, Duration.ofSeconds(2)));
            if (app.groupAlive()) Apps.terminate(app, Duration.ofSeconds(3));
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
        if (app != null) Apps.terminate(app, Duration.ofSeconds(3));
        if (history.retries() < spec.retry()) {
            say(message + "; retry " + (history.retries() + 1) + " of " + spec.retry()
                    + (currentGeneration == null ? " (from scratch)" : " from generation " + currentGeneration));
            return requeue(reason, code, "retry");
        }
        Outcome outcome = reason == EndReason.ENGINE_ERROR ? Outcome.ENGINE_ERROR : Outcome.FAILED;
        return finish(outcome, code, reason, message + (spec.retry() > 0 ? " (retries used up: " + spec.retry() + ")" : ""),
                Optional.of(code));
    }

    private int requeue(EndReason reason, Integer exitCode, String kind) throws IOException, InterruptedException {
        state = State.REQUEUEING;
        StepSpec.PolicySpec policy = spec.checkpoint();
        double used = history.computeSeconds() + elapsedSeconds();
        if (kind.equals("restart") && history.restarts() >= policy.maxRestarts()) {
            return finishBudget("maxRestarts " + policy.maxRestarts() + " reached", Optional.ofNullable(exitCode));
        }
        Optional<Duration> remaining = policy.totalTime().map(t -> Duration.ofSeconds(Math.max(0, t.toSeconds() - (long) Math.ceil(used))));
        if (remaining.isPresent() && remaining.get().isZero()) {
            return finishBudget("totalTime " + policy.totalTime().get() + " used up (" + Math.round(used) + " s)", Optional.ofNullable(exitCode));
        }
        Optional<Duration> nextLimit = Optional.empty();
        if (remaining.isPresent()) {
            Optional<Duration> limit = spec.resources().time();
            if (limit.isEmpty() || remaining.get().compareTo(limit.get()) < 0) nextLimit = remaining;
        }
        setPhase(Phase.REQUEUEING, null);
        Requeuer.Outcome r = requeuer.requeue(new Requeuer.Plan(config.jobId(), spec.name(), nextLimit, remaining));
        journal.append(JournalEvent.REQUEUE, "attempt", attempt, "ok", r.ok(), "kind", kind, "message", r.message(),
                "nextTimeLimitSeconds", nextLimit.map(Duration::toSeconds).orElse(null),
                "remainingBudgetSeconds", remaining.map(Duration::toSeconds).orElse(null));
        say(r.message());
        endAttempt(reason, exitCode, true);
        return ExitCodes.REQUEUED;
    }

    private int finishBudget(String why, Optional<Integer> exitCode) throws IOException {
        say("budget exhausted: " + why + "; the step ends here (last good generation: "
                + (currentGeneration == null ? "none" : currentGeneration) + ")");
        return finish(Outcome.BUDGET_EXHAUSTED, ExitCodes.BUDGET_EXHAUSTED, EndReason.BUDGET_EXHAUSTED, why, exitCode);
    }

    private int finish(Outcome outcome, int processExit, EndReason reason, String message, Optional<Integer> appExit)
            throws IOException {
        endAttempt(reason, appExit.orElse(null), false);
        int attempts = attempt;
        History h = History.of(Journal.read(ctl.root()));
        Result result = new Result(outcome, processExit, attempts, h.restarts(), h.retries(), message);
        SafeFiles.writeAtomically(ctl.result(), SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        setPhase(outcome == Outcome.COMPLETED ? Phase.COMPLETED : Phase.FAILED, message);
        state = State.FINISHED;
        Files.deleteIfExists(ctl.appProcess());
        return processExit;
    }

    private boolean attemptEnded;
    private Integer pendingFallbackFrom;

    private void endAttempt(EndReason reason, Integer exitCode, boolean requeued) throws IOException {
        if (attemptEnded) return;
        attemptEnded = true;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", attempt);
        m.put("reason", reason.journalName);
        m.put("exitCode", exitCode);
        m.put("computeSeconds", round3(elapsedSeconds()));
        m.put("appSeconds", round3(appSecondsThisAttempt()));
        m.put("requeued", requeued);
        m.put("generation", currentGeneration);
        journal.append(JournalEvent.ATTEMPT_END, m);
        if (app == null || !app.groupAlive()) Files.deleteIfExists(ctl.appProcess());
    }

    // ---------------------------------------------------------------- restore choice

    /**
     * The generation to restart from: the requested one, or the newest valid one whose checksums verify,
     * falling back to older ones (journalled). Empty: there is none (first attempt). {@code null}: there are
     * generations but none verifies.
     */
    private Optional<ImageStore.Verification> chooseGeneration(Optional<Integer> requested, Set<Integer> unusable)
            throws IOException {
        List<Generation> all = new ArrayList<>(store.list());
        all.removeIf(g -> unusable.contains(g.number()));
        if (requested.isPresent() && unusable.contains(requested.get())) return null;
        if (requested.isPresent()) {
            Optional<Generation> g = all.stream().filter(x -> x.number() == requested.get()).findFirst();
            if (g.isEmpty()) {
                journal.append(JournalEvent.RESTORE, "attempt", attempt, "generation", requested.get(), "ok", false,
                        "fallbackFrom", null, "message", "requested generation " + requested.get() + " does not exist");
                return null;
            }
            ImageStore.Verification v = store.verify(g.get());
            if (!v.ok()) {
                journal.append(JournalEvent.RESTORE, "attempt", attempt, "generation", requested.get(), "ok", false,
                        "fallbackFrom", null, "message", "requested generation " + requested.get() + " fails verification: " + v.problem());
                return null;
            }
            return Optional.of(v);
        }
        if (all.isEmpty()) return unusable.isEmpty() ? Optional.empty() : null;
        Integer failed = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            Generation g = all.get(i);
            ImageStore.Verification v = store.verify(g);
            if (v.ok()) {
                if (failed != null) say("generation " + failed + " failed verification; falling back to generation " + g.number());
                pendingFallbackFrom = failed;
                return Optional.of(v);
            }
            say("generation " + g.number() + " cannot be used: " + v.problem());
            journal.append(JournalEvent.RESTORE, "attempt", attempt, "generation", g.number(), "ok", false,
                    "fallbackFrom", null, "message", v.problem());
            failed = g.number();
        }
        return null;
    }

    // ---------------------------------------------------------------- leftovers of killed coordinators

    private void recoverLostAttempt() throws IOException {
        Optional<JournalEvent> open = history.unfinished();
        if (open.isEmpty()) return;
        JournalEvent start = open.get();
        int lost = start.attempt().orElse(history.attempts());
        // charge what the lost attempt used: up to its last heartbeat (written every 5 s)
        double seconds = 0;
        Optional<Status> hb = ctl.readHeartbeat();
        if (hb.isPresent() && hb.get().attempt() == lost) {
            seconds = Math.max(0, Duration.between(start.time(), hb.get().time()).toMillis() / 1000.0);
        }
        journal.append(JournalEvent.ATTEMPT_END, "attempt", lost, "reason", EndReason.LOST.journalName, "exitCode", null,
                "computeSeconds", round3(seconds), "appSeconds", round3(seconds), "requeued", false,
                "message", "the coordinator of attempt " + lost + " ended without a word (killed, node lost); charged up to its last heartbeat");
        say("attempt " + lost + " was lost (its coordinator was killed); recovering from the last committed generation");
        history = History.of(Journal.read(ctl.root()));
    }

    private void recordAppProcess() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pgid", app.pgid());
        m.put("host", config.host());
        m.put("startTicks", ProcSampler.startTicks(app.pgid()).orElse(-1L));
        m.put("attempt", attempt);
        SafeFiles.writeAtomically(ctl.appProcess(), SpecReader.mapper().writeValueAsString(m));
    }

    /** A coordinator killed with SIGKILL may leave its application running; end it before restoring under it. */
    private void killLeftovers() throws IOException, InterruptedException {
        if (!Files.exists(ctl.appProcess())) return;
        Map<?, ?> m;
        try {
            m = SpecReader.mapper().readValue(ctl.appProcess().toFile(), Map.class);
        } catch (IOException e) {
            Files.deleteIfExists(ctl.appProcess());
            return;
        }
        Object host = m.get("host");
        int pgid = m.get("pgid") instanceof Number n ? n.intValue() : -1;
        long ticks = m.get("startTicks") instanceof Number n ? n.longValue() : -1;
        if (pgid > 1 && config.host().equals(host) && Posix.groupExists(pgid)) {
            Optional<Long> leader = ProcSampler.startTicks(pgid);
            // a live leader with another start time is a reused pid; a dead leader keeps its pgid reserved
            if (leader.isEmpty() || leader.get() == ticks) {
                say("ending process group " + pgid + " left running by a killed coordinator");
                Posix.signalGroup(pgid, Signals.number("KILL"));
                for (int i = 0; i < 50 && Posix.groupExists(pgid); i++) Thread.sleep(100);
            }
        }
        Files.deleteIfExists(ctl.appProcess());
    }

    // ---------------------------------------------------------------- application

    private List<String> applicationArgv() throws IOException {
        if (spec.command().kind() == StepSpec.CommandSpec.Kind.SCRIPT) {
            Path script = ctl.root().resolve("step-script.sh");
            SafeFiles.writeAtomically(script, spec.command().text());
            return List.of("/bin/bash", script.toString());
        }
        return List.of("/bin/bash", "-c", spec.command().text());
    }

    private Map<String, String> applicationEnv() {
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.put("CRFLOW_STEP", spec.name() == null ? "" : spec.name());
        env.put("CRFLOW_ATTEMPT", Integer.toString(attempt));
        env.put("CRFLOW_CONTROL_DIR", ctl.root().toString());
        return env;
    }

    private Map<String, Object> attemptStartFields(Integer fromGeneration) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", attempt);
        m.put("jobId", config.jobId());
        m.put("host", config.host());
        m.put("restartCount", config.restartCount());
        m.put("fromGeneration", fromGeneration);
        m.put("engine", engine == null ? spec.checkpoint().engine().name().toLowerCase() : engine.name());
        m.put("engineVersion", engine == null ? null : engine.version());
        m.put("local", config.local());
        m.put("pid", ProcessHandle.current().pid());
        return m;
    }

    private double elapsedSeconds() { return Duration.between(attemptStart, clock.instant()).toMillis() / 1000.0; }

    private double appSecondsThisAttempt() {
        return appStart == null ? 0 : Duration.between(appStart, clock.instant()).toMillis() / 1000.0;
    }

    private static double round3(double d) { return Math.round(d * 1000) / 1000.0; }

    // ---------------------------------------------------------------- status, heartbeat, samples

    private void setPhase(Phase p, String message) {
        phase = p;
        try {
            SafeFiles.writeAtomically(ctl.status(), SpecReader.mapper().writeValueAsBytes(status(message)),
                    p == Phase.COMPLETED || p == Phase.FAILED || p == Phase.STOPPED);
        } catch (IOException e) {
            say("cannot write " + ctl.status() + ": " + e.getMessage());
        }
    }

    private Status status(String message) {
        return new Status(clock.instant(), phase, attempt, config.jobId(), config.host(), ProcessHandle.current().pid(),
                currentGeneration, message);
    }

    private void startBackground() throws IOException {
        samplesChannel = FileChannel.open(ctl.samples(), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS));
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "crflow-heartbeat");
            t.setDaemon(true);
            return t;
        });
        background.scheduleAtFixedRate(this::heartbeat, 0, 5, TimeUnit.SECONDS);
        background.schedule(Coordinator::warmUpCommitPath, 2, TimeUnit.SECONDS);
        background.scheduleAtFixedRate(this::sample, 1, 3, TimeUnit.SECONDS);
    }

    private void heartbeat() {
        try {
            SafeFiles.writeAtomically(ctl.heartbeat(), SpecReader.mapper().writeValueAsBytes(status(null)), false);
        } catch (IOException | RuntimeException e) {
            // a missed heartbeat is visible to readers as age; never stop the coordinator for it
        }
    }

    private void sample() {
        AppProcess a = app;
        if (a == null) return;
        try {
            ProcSampler.Sample s = ProcSampler.sampleGroup(a.pgid());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
            m.put("attempt", attempt);
            m.put("rssBytes", s.rssBytes());
            m.put("cpuSeconds", s.cpuSeconds());
            m.put("processes", s.processes());
            byte[] line = (SpecReader.mapper().writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8);
            samplesChannel.write(ByteBuffer.wrap(line));
        } catch (IOException | RuntimeException e) {
            // samples are for the report; losing one is fine
        }
    }

    /**
     * Loads and compiles what the first commit needs (manifest serialisation, checksums) while the application runs,
     * so that the first warning-signal checkpoint does not pay class loading inside its lead time (~1 s when busy).
     */
    private static void warmUpCommitPath() {
        try {
            Manifest m = new Manifest(Manifest.FORMAT, 0, "warm-up", "n/a", "host", "0", 0, "warm-up", Instant.now(), 0,
                    dev.crflow.coordinator.store.Checksums.ALGORITHM, 0, List.of(new Manifest.FileEntry("x", 0, "0")), Map.of());
            SpecReader.mapper().readValue(SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m), Manifest.class);
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 16);
            for (int i = 0; i < 64; i++) {
                crc.update(b.duplicate());
            }
        } catch (IOException | RuntimeException ignored) {
            // only an optimisation
        }
    }

    private void stopBackground() {
        if (background != null) {
            background.shutdownNow();
            try {
                background.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heartbeat();
        }
        try {
            if (samplesChannel != null) samplesChannel.close();
        } catch (IOException ignored) {
            // closing an append-only log
        }
    }
}
