package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.engine.Apps;
import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.RequeueKind;
import dev.crflow.coordinator.journal.Trigger;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.slurm.Requeuer;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.spec.StepSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Steps 5 and 6 of the data flow, how an attempt ends: requeued within the {@link Budget} (a restart after walltime or
 * preemption, a retry after a failure), stopped on request, or finished for good with {@code result.json}. Also keeps
 * what the attempt-end charges: the attempt's wall time and its application's time.
 */
final class Ending {
    private final ControlDir ctl;
    private final String stepName;
    private final String jobId;
    private final int retry;
    private final Budget budget;
    private final History history;
    private final AttemptJournal journal;
    private final Vitals vitals;
    private final Requeuer requeuer;
    private final Clock clock;
    private final Instant attemptStart;
    private final Consumer<String> say;
    private final StepSpec.FromScratch fromScratch;
    private Optional<Instant> appStart = Optional.empty();
    private Optional<AppProcess> app = Optional.empty();
    private Optional<Integer> lastGood = Optional.empty();

    Ending(ControlDir ctl, String stepName, String jobId, int retry, Budget budget, History history, AttemptJournal journal,
           Vitals vitals, Requeuer requeuer, Clock clock, Instant attemptStart, Consumer<String> say, StepSpec.FromScratch fromScratch) {
        this.fromScratch = fromScratch;
        this.ctl = ctl;
        this.stepName = stepName;
        this.jobId = jobId;
        this.retry = retry;
        this.budget = budget;
        this.history = history;
        this.journal = journal;
        this.vitals = vitals;
        this.requeuer = requeuer;
        this.clock = clock;
        this.attemptStart = attemptStart;
        this.say = say;
    }

    /** The application runs from now on (its time is charged as {@code appSeconds}). */
    void running(AppProcess a) {
        app = Optional.of(a);
        appStart = Optional.of(clock.instant());
    }

    /** The last good generation: restored from, or committed since. */
    void lastGood(Optional<Integer> generation) {
        lastGood = generation;
        vitals.generation(generation);
    }

    Optional<Integer> lastGood() { return lastGood; }

    /** Wall seconds of this attempt so far (charged to {@code totalTime}). */
    double attemptSeconds() { return Duration.between(attemptStart, clock.instant()).toMillis() / 1000.0; }

    /** Seconds the application has run in this attempt. */
    double appSeconds() { return appStart.map(s -> Duration.between(s, clock.instant()).toMillis() / 1000.0).orElse(0.0); }

    /** The application or the engine failed: retry from the last good generation while {@code retry} allows. */
    int failOrRetry(EndReason reason, int code, String message) throws IOException, InterruptedException {
        if (app.isPresent()) Apps.terminate(app.get(), Duration.ofSeconds(3));
        if (budget.mayRetry(history)) {
            say.accept(message + "; retry " + (history.retries() + 1) + " of " + retry
                    + lastGood.map(g -> " from generation " + g).orElse(" (from scratch)"));
            return requeue(reason, Optional.of(code), RequeueKind.RETRY);
        }
        Outcome outcome = reason == EndReason.ENGINE_ERROR ? Outcome.ENGINE_ERROR : Outcome.FAILED;
        return finish(outcome, code, reason, message + (retry > 0 ? " (retries used up: " + retry + ")" : ""), Optional.of(code));
    }

    /** Puts the step back in the queue for its next attempt, or ends it when the budget does not allow one. */
    int requeue(EndReason reason, Optional<Integer> exitCode, RequeueKind kind) throws IOException, InterruptedException {
        Budget.Decision decision = budget.requeue(kind, history, attemptSeconds());
        if (decision instanceof Budget.Decision.Exhausted ex) return finishBudget(ex.why(), exitCode);
        Budget.Decision.Requeue next = (Budget.Decision.Requeue) decision;
        vitals.phase(Phase.REQUEUEING, Optional.empty());
        Requeuer.Outcome r = requeuer.requeue(new Requeuer.Plan(jobId, stepName, next.nextTimeLimit(), next.remaining()));
        journal.requeue(r.ok(), kind, r.message(), next.nextTimeLimit().map(Duration::toSeconds),
                next.remaining().map(Duration::toSeconds));
        say.accept(r.message());
        end(reason, exitCode, true);
        return ExitCodes.REQUEUED;
    }

    /** Checkpointed and stopped on request: resumable, neither requeued nor finished. */
    int stopped() throws IOException {
        end(EndReason.STOPPED, Optional.empty(), false);
        vitals.phase(Phase.STOPPED, Optional.of("stopped on request; resume with crflow restart"));
        return ExitCodes.STOPPED;
    }

    int finishBudget(String why, Optional<Integer> exitCode) throws IOException {
        say.accept("budget exhausted: " + why + "; the step ends here (last good generation: "
                + lastGood.map(String::valueOf).orElse("none") + ")");
        return finish(Outcome.BUDGET_EXHAUSTED, ExitCodes.BUDGET_EXHAUSTED, EndReason.BUDGET_EXHAUSTED, why, exitCode);
    }

    /** The step's final end: {@code attempt-end}, then {@code result.json} with the journal's counts. */
    int finish(Outcome outcome, int processExit, EndReason reason, String message, Optional<Integer> appExit) throws IOException {
        end(reason, appExit, false);
        History h = History.read(ctl.root());
        Result result = new Result(outcome, processExit, journal.attempt(), h.restarts(), h.retries(), message);
        SafeFiles.writeAtomically(ctl.result(), SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        vitals.phase(outcome == Outcome.COMPLETED ? Phase.COMPLETED : outcome == Outcome.CANCELLED ? Phase.CANCELLED : Phase.FAILED,
                Optional.of(message));
        Files.deleteIfExists(ctl.appProcess());
        return processExit;
    }

    private void end(EndReason reason, Optional<Integer> exitCode, boolean requeued) throws IOException {
        if (!journal.end(reason, exitCode, attemptSeconds(), appSeconds(), requeued, lastGood)) return;
        if (app.isEmpty() || !app.get().groupAlive()) Files.deleteIfExists(ctl.appProcess());
    }

    /** A user's cancel: the step ends CANCELLED here, never requeued (the last good generation stays for a later run). */
    int cancelled(Optional<Integer> appExit) throws IOException {
        String msg = "cancelled (scancel): the step ends here, not requeued; last good generation: "
                + lastGood.map(String::valueOf).orElse("none");
        say.accept(msg);
        return finish(Outcome.CANCELLED, ExitCodes.CANCELLED, EndReason.CANCELLED, msg, appExit);
    }

    /**
     * The stop checkpoint failed and no earlier generation exists, and the policy says {@code fromScratch 'allow'}: the
     * step's whole state is in its declared state files, which the next attempt's launch from scratch puts back to their
     * pre-launch state, so it requeues as a normal stop would. Said loudly (log, and the attempt-end's message) with the
     * checkpoint errors; the work done is lost work in the account (the next attempt restores no generation).
     *
     * @return false under {@code fromScratch 'refuse'}: {@link #refuseRestartFromScratch} ends the step
     */
    boolean startsOverFromScratch(Trigger trigger) {
        if (fromScratch != StepSpec.FromScratch.ALLOW) return false;
        java.util.List<String> errors = journal.failedCheckpoints();
        String msg = "the " + trigger.wireName() + " checkpoint failed and there is no earlier generation (failed checkpoints of"
                + " this attempt: " + (errors.isEmpty() ? "none journalled" : String.join("; ", errors)) + "); "
                + RestorePlan.START_OVER + " in the next attempt";
        say.accept(msg);
        journal.startingOver(msg);
        return true;
    }

    /**
     * The stop checkpoint failed and no earlier generation exists: a requeue would run the application from scratch
     * over the work it has already done (outputs it appended to would hold part of it twice), and the step could still
     * end "completed". End it loudly instead, as the restore path does when no generation verifies.
     */
    int refuseRestartFromScratch(Trigger trigger) throws IOException, InterruptedException {
        if (app.isPresent()) Apps.terminate(app.get(), Duration.ofSeconds(5));
        Files.deleteIfExists(ctl.exitMarker());
        String msg = "the " + trigger.wireName() + " checkpoint failed and there is no earlier generation: a requeue would restart"
                + " the application from scratch over the work it has done, so the step ends here. Fix the cause (see the"
                + " checkpoint error above) and run the step again";
        say.accept(msg);
        return finish(Outcome.ENGINE_ERROR, ExitCodes.ENGINE_ERROR, EndReason.ENGINE_ERROR, msg, Optional.empty());
    }
}
