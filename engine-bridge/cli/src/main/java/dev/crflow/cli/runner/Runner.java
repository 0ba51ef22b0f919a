package dev.crflow.cli.runner;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.JobStatus;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.lifecycle.LifecycleAction;
import dev.crflow.executor.lifecycle.StepLifecycle;
import dev.crflow.executor.process.Sleeper;
import dev.crflow.executor.slurm.JobNames;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standalone driver of {@code crflow run}: walks the DAG, submits ready steps (bounded), watches every job with
 * one query per poll, restarts lost jobs on a new attempt, retries failed steps within {@code retry}. All state is
 * in files under {@code .crflow/}, so the driver may die at any moment: the next run reattaches.
 */
public final class Runner {
    private final Workflow workflow;
    private final RunDirectory dir;
    private final RunInfo info;
    private final StepExecutor executor;
    private final RunOptions options;
    private final Progress progress;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Dag dag;
    private final Map<String, DriverStepState> states = new HashMap<>();
    private final Map<String, JobHandle> active = new LinkedHashMap<>();
    private final Map<String, StepLifecycle> lifecycles = new HashMap<>();

    public Runner(Workflow workflow, RunDirectory dir, RunInfo info, StepExecutor executor, RunOptions options,
                  Progress progress, Clock clock, Sleeper sleeper) {
        this.workflow = workflow;
        this.dir = dir;
        this.info = info;
        this.executor = executor;
        this.options = options;
        this.progress = progress;
        this.clock = clock;
        this.sleeper = sleeper;
        try {
            this.dag = Dag.plan(workflow.steps());
        } catch (IllegalArgumentException e) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, e.getMessage());
        }
    }

    /** Drives the run to its end; answers the exit code. */
    public int run() throws InterruptedException {
        resume();
        while (true) {
            if (Files.exists(dir.cancelRequest())) {
                cancelAll("cancelled by 'crflow cancel'");
                break;
            }
            submitReady();
            observe();
            progress.update(views());
            if (active.isEmpty() && !anythingSubmittable()) break;
            sleeper.sleep(options.pollInterval());
        }
        List<StepView> views = views();
        progress.finish(views);
        return exitCode(views);
    }

    /** Completed steps are skipped; running jobs reattached; failed steps with retries left go again. */
    private void resume() {
        for (Step step : dag.order()) {
            DriverStepState st = dir.driverState(step.name());
            StepControlDir ctl = dir.step(step.name());
            if (st.state() == StepState.FAILED && retriesUsed(st, ctl) < step.retry() && ctl.readResult().map(r -> r.outcome() == Outcome.FAILED).orElse(true)) {
                archiveResult(ctl, st.attempt());
                st = st.withFailures(retriesUsed(st, ctl)).withState(StepState.PENDING, "retrying after failure");
            } else if (st.state() == StepState.CANCELLED) {
                // a scancel'd step's coordinator wrote a final CANCELLED result: set it aside, or the next job would stop at once
                if (ctl.readResult().map(r -> r.outcome() == Outcome.CANCELLED).orElse(false)) archiveResult(ctl, st.attempt());
                st = st.withState(StepState.PENDING, "resumed after cancel");
                try {
                    Files.deleteIfExists(ctl.path().resolve(StepLifecycle.STOP_MARKER));
                } catch (IOException ignored) {
                    // checked again when the job ends
                }
            }
            Optional<JobRecord> recorded = ctl.readJob();
            if (st.state() == StepState.PENDING && recorded.isPresent() && recorded.get().attempt() > st.attempt()) {
                st = st.submitted(recorded.get().jobId(), recorded.get().attempt());
            }
            if (st.state().active()) {
                Optional<JobRecord> rec = ctl.readJob();
                Optional<JobHandle> reattached = lifecycle(step).reattach(launch(step, st, st.attempt()));
                if (reattached.isPresent()) {
                    // attempt > st.attempt: the driver died after the job was recorded but before driver.json was: adopt it.
                    if (rec.get().attempt() > st.attempt()) st = st.submitted(rec.get().jobId(), rec.get().attempt());
                    active.put(step.name(), reattached.get());
                    progress.message("reattached " + step.name() + " to job " + rec.get().jobId());
                } else {
                    // Died between the intent and job.json: submit() with the same attempt reconciles instead of duplicating.
                    st = new DriverStepState(StepState.PENDING, st.attempt() - 1, st.jobIds(), st.excludeNodes(), st.failures(),
                            null, "resubmitting after a driver crash", clock.instant());
                }
            }
            save(step.name(), st);
        }
    }

    private void submitReady() {
        for (Step step : dag.order()) {
            if (active.size() >= options.maxParallel()) return;
            DriverStepState st = states.get(step.name());
            if (st.state() != StepState.PENDING) continue;
            if (!step.after().stream().allMatch(d -> states.get(d).state() == StepState.COMPLETED)) continue;
            submit(step, st, st.message());
        }
    }

    private void submit(Step step, DriverStepState st, String why) {
        int attempt = st.attempt() + 1;
        try {
            JobHandle h = executor.submit(launch(step, st, attempt));
            active.put(step.name(), h);
            save(step.name(), st.submitted(h.jobId(), attempt).withState(StepState.SUBMITTED, why));
        } catch (ExecutorException e) {
            if (e.environment()) throw new CrflowException(ExitCodes.ENVIRONMENT, e.getMessage(), e);
            save(step.name(), st.failed(null, e.getMessage(), false));
        }
    }

    private StepLaunch launch(Step step, DriverStepState st, int attempt) {
        StepControlDir ctl = dir.step(step.name());
        Optional<Duration> budget = StepLifecycle.budgetLeft(step, ctl.readJournal());
        return new StepLaunch(step, ctl, JobNames.forStep(info.runId(), step.name()), attempt, st.excludeNodes(), budget, st.jobIds());
    }

    private void observe() {
        if (active.isEmpty()) return;
        Map<JobHandle, StepControlDir> jobs = new LinkedHashMap<>();
        for (JobHandle h : active.values()) jobs.put(h, dir.step(h.stepName()));
        Map<JobHandle, JobObservation> seen = executor.observe(jobs);
        for (Map.Entry<JobHandle, JobObservation> e : seen.entrySet()) handle(e.getKey(), e.getValue());
    }

    private StepLifecycle lifecycle(Step step) {
        return lifecycles.computeIfAbsent(step.name(), n -> new StepLifecycle(executor, dir.step(n), clock, Duration.ZERO));
    }

    private void handle(JobHandle h, JobObservation o) {
        Step step = dag.step(h.stepName());
        StepControlDir ctl = dir.step(step.name());
        StepLifecycle life = lifecycle(step);
        DriverStepState st = states.get(step.name());
        if (!o.lostNodes().isEmpty()) st = st.excluding(o.lostNodes());
        StepLifecycle.Decision d = life.observe(h, o, step.checkpoint().maxRestarts());
        if (d.verdict() != StepLifecycle.Verdict.WAITING) active.remove(step.name());
        DriverStepState current = st;
        perform(life, d.actions(), resubmit -> {
            DriverStepState next = resubmit.excludeNodes().isEmpty() ? current : current.excluding(resubmit.excludeNodes());
            progress.message(step.name() + ": job " + h.jobId() + " lost (" + d.detail() + "); resuming from its last image in a new job"
                    + (next.excludeNodes().isEmpty() ? "" : ", avoiding " + String.join(",", next.excludeNodes())));
            submit(step, next, resubmit.why());
        });
        switch (d.verdict()) {
            case WAITING -> waiting(step, h, ctl, st, o, life);
            case CANCELLED -> save(step.name(), st.withState(StepState.CANCELLED, "cancelled"));
            case STOPPED -> save(step.name(), st.withState(StepState.CANCELLED, o.status() == JobStatus.ENDED
                    ? d.detail() + "; resume with 'crflow restart " + step.name() + "' or 'crflow run'" : d.detail()));
            case FINISHED -> finished(step, ctl, st, d.result().orElseThrow(), life);
            case GIVE_UP -> save(step.name(), st.failed(null, d.detail(), false));
            case RESTART -> { } // resubmitted by perform
        }
    }

    /** The job is still the step's: queued, running, requeued (within maxRestarts), suspended or unknown. */
    private void waiting(Step step, JobHandle h, StepControlDir ctl, DriverStepState st, JobObservation o, StepLifecycle life) {
        switch (o.status()) {
            // Back in the queue after it ran (requeued by Slurm, e.g. its node failed): REQUEUED, not SUBMITTED.
            case QUEUED -> save(step.name(), st.withState(st.state() == StepState.SUBMITTED || st.state() == StepState.PENDING
                    ? StepState.SUBMITTED : StepState.REQUEUED, o.detail()));
            case RUNNING, SUSPENDED -> save(step.name(), st.withState(
                    ctl.readCoordinatorPhase().filter(p -> p == Phase.CHECKPOINTING).isPresent() ? StepState.CHECKPOINTING : StepState.RUNNING,
                    o.status() == JobStatus.SUSPENDED ? "suspended" : ""));
            case REQUEUED -> {
                int used = life.restartsUsed();
                if (used > step.checkpoint().maxRestarts()) {
                    cancelQuietly(h);
                    active.remove(step.name());
                    save(step.name(), st.failed(null, "restarted " + used + " times: maxRestarts "
                            + step.checkpoint().maxRestarts() + " exhausted", false));
                } else {
                    save(step.name(), st.withState(StepState.REQUEUED, o.detail()));
                }
            }
            default -> save(step.name(), st.withState(st.state(), "status unknown: " + o.detail()));
        }
    }

    /** The coordinator's verdict is in result.json. */
    private void finished(Step step, StepControlDir ctl, DriverStepState st, Result r, StepLifecycle life) {
        if (r.outcome() == Outcome.COMPLETED) {
            save(step.name(), st.completed(r.exitCode()));
            return;
        }
        if (r.outcome() == Outcome.CANCELLED) {
            // the coordinator saw a user's scancel (not a preemption): the step ends for good, nothing is resubmitted
            save(step.name(), st.withState(StepState.CANCELLED, "cancelled with scancel (not requeued)"));
            return;
        }
        // The coordinator retries failures inside the job and reports how many it used; the driver only retries
        // what the coordinator did not (e.g. a failure before the application ran).
        int coordinatorRetries = r.retries();
        int used = Math.max(st.failures(), coordinatorRetries) + 1;
        if (r.outcome() == Outcome.FAILED && coordinatorRetries < step.retry() && used <= step.retry()) {
            DriverStepState retry = st.withFailures(used);
            perform(life, List.of(new LifecycleAction.ArchiveResult(st.attempt()),
                    new LifecycleAction.Resubmit(List.of(), "retry " + used + " of " + step.retry() + " after exit " + r.exitCode())),
                    resubmit -> submit(step, retry, resubmit.why()));
            return;
        }
        String why = switch (r.outcome() == null ? Outcome.FAILED : r.outcome()) {
            case BUDGET_EXHAUSTED -> "compute budget (totalTime or maxRestarts) exhausted";
            case ENGINE_ERROR -> "checkpoint engine error (see " + ctl.stderr() + ")";
            default -> "exit code " + r.exitCode() + (step.retry() > 0 ? " after " + step.retry() + " retries" : "")
                    + " (see " + ctl.stdout() + " and stderr.log)";
        };
        save(step.name(), st.withFailures(used).failed(r.exitCode(), why, false));
    }

    /** The lifecycle's actions, done in its one place; a control directory that cannot be written ends the run. */
    private static void perform(StepLifecycle life, List<LifecycleAction> actions, StepLifecycle.Resubmitter resubmitter) {
        try {
            life.perform(actions, resubmitter);
        } catch (ExecutorException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, e.getMessage(), e);
        }
    }

    private static int retriesUsed(DriverStepState st, StepControlDir ctl) {
        return Math.max(st.failures(), ctl.readResult().map(Result::retries).orElse(0));
    }

    private static void archiveResult(StepControlDir ctl, int attempt) {
        try {
            StepLifecycle.archiveResult(ctl, attempt);
        } catch (ExecutorException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, e.getMessage(), e);
        }
    }

    private boolean anythingSubmittable() {
        for (Step step : dag.order()) {
            DriverStepState st = states.get(step.name());
            if (st.state() == StepState.PENDING
                    && step.after().stream().allMatch(d -> states.get(d).state() == StepState.COMPLETED)) return true;
        }
        return false;
    }

    private void cancelAll(String why) {
        for (JobHandle h : new ArrayList<>(active.values())) {
            cancelQuietly(h);
            save(h.stepName(), states.get(h.stepName()).withState(StepState.CANCELLED, why));
        }
        active.clear();
        for (Step step : dag.order()) {
            DriverStepState st = states.get(step.name());
            if (st.state() == StepState.PENDING) save(step.name(), st.withState(StepState.CANCELLED, why));
        }
        try {
            Files.deleteIfExists(dir.cancelRequest());
        } catch (IOException ignored) {
            // harmless: the next run clears it
        }
        progress.message(why);
    }

    private void cancelQuietly(JobHandle h) {
        try {
            executor.cancel(h);
        } catch (ExecutorException e) {
            progress.message("could not cancel job " + h.jobId() + ": " + e.getMessage());
        }
    }

    private void save(String step, DriverStepState st) {
        DriverStepState old = states.put(step, st);
        if (!st.equals(old)) {
            if (old == null || old.state() != st.state() || old.attempt() != st.attempt() || !old.message().equals(st.message())
                    || !old.excludeNodes().equals(st.excludeNodes()) || old.failures() != st.failures()) {
                dir.writeDriverState(step, st);
            }
        }
    }

    public List<StepView> views() {
        List<StepView> out = new ArrayList<>(dag.size());
        for (Step step : dag.order()) {
            DriverStepState st = states.getOrDefault(step.name(), DriverStepState.initial());
            if (st.state() == StepState.PENDING && st.attempt() == 0 && dag.size() > 200) {
                out.add(new StepView(step.name(), st.state(), st.message()));
            } else {
                out.add(StepView.of(step, st, dir.step(step.name())));
            }
        }
        return out;
    }

    static int exitCode(List<StepView> views) {
        boolean allDone = views.stream().allMatch(v -> v.state() == StepState.COMPLETED);
        return allDone ? ExitCodes.OK : ExitCodes.FAILED;
    }

    public Workflow workflow() { return workflow; }
}
