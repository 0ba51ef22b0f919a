package dev.crflow.executor.lifecycle;

import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.run.History;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.JobStatus;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The life of one step's jobs, the same for every front end (the crflow runner, the Nextflow task handler, the
 * Snakemake bridge): attempt numbering and reattachment from {@code job.json}, what a job's end means ("ended without
 * a result" is lost), restart budgets counted by the coordinator's {@link History}, lost nodes excluded.
 * {@link #observe} decides and returns the actions as data; {@link #perform} is the one place that does them.
 */
public final class StepLifecycle {
    /** Written by {@code crflow checkpoint --stop}: the job's coming end is a stop, not a loss (docs/contracts.md §2). */
    public static final String STOP_MARKER = "stop-requested";

    /** What a job's state means for its step. */
    public enum Verdict {
        /** Queued, running, requeued, suspended, unknown, or over but its result may still appear: look again later. */
        WAITING,
        /** {@code result.json} is there: the coordinator's verdict on the step ({@link Decision#result()}). */
        FINISHED,
        /** Ended without a result after a requested stop: resumable, not lost. */
        STOPPED,
        /** Cancelled by crflow, or by a user's {@code scancel} that left no result (never resubmitted). */
        CANCELLED,
        /** Lost with restarts left: the actions journal the loss and resubmit. */
        RESTART,
        /** Lost (or requeued) beyond {@code maxRestarts}. */
        GIVE_UP
    }

    /** One decision: the verdict, why (for people), the coordinator's result if any, and what to do. */
    public record Decision(Verdict verdict, String detail, Optional<Result> result, List<LifecycleAction> actions) {
        public Decision { actions = List.copyOf(actions); }
    }

    /** Performs a {@link LifecycleAction.Resubmit}: the front end's own submission (its attempt counter, its state). */
    @FunctionalInterface
    public interface Resubmitter {
        void resubmit(LifecycleAction.Resubmit resubmit) throws ExecutorException;
    }

    private final StepExecutor executor;
    private final StepControlDir ctl;
    private final Clock clock;
    private final Duration resultGrace;
    private Instant overWithoutResultSince;

    /**
     * @param resultGrace how long a job may be over before its {@code result.json} shows on shared storage (NFS);
     *                    zero: conclude at once
     */
    public StepLifecycle(StepExecutor executor, StepControlDir ctl, Clock clock, Duration resultGrace) {
        this.executor = executor;
        this.ctl = ctl;
        this.clock = clock;
        this.resultGrace = resultGrace;
    }

    public StepControlDir controlDir() { return ctl; }

    // ---- numbering and adoption ----

    /** The next submission's attempt number: one past the job recorded in {@code job.json}, 1 for the first. */
    public static int nextAttempt(StepControlDir ctl) {
        return ctl.readJob().map(r -> r.attempt() + 1).orElse(1);
    }

    /** Every job id the step has used (earlier ones first): never adopted as a new submission. */
    public static List<String> knownJobIds(StepControlDir ctl) {
        List<String> ids = new ArrayList<>();
        ctl.readJob().ifPresent(r -> {
            ids.addAll(r.previousJobIds());
            ids.add(r.jobId());
        });
        return ids;
    }

    /** The job an earlier driver recorded for this attempt or a later one, reattached; empty: submit (which reconciles). */
    public Optional<JobHandle> reattach(StepLaunch launch) {
        Optional<JobRecord> rec = ctl.readJob();
        if (rec.isEmpty() || rec.get().attempt() < launch.attempt()) return Optional.empty();
        return Optional.of(executor.reattach(launch, rec.get()));
    }

    // ---- budgets, from the journal alone (the coordinator's History) ----

    /** Restarts used, counted as the coordinator counts them plus the losses only a driver knows. */
    public int restartsUsed() { return History.restartsWithLosses(ctl.readJournal()); }

    public boolean restartsExhausted(int maxRestarts) { return restartsUsed() > maxRestarts; }

    /** What is left of the step's {@code totalTime} (empty: unlimited). */
    public Optional<Duration> budgetLeft(Step step) {
        return budgetLeft(step, ctl.readJournal());
    }

    public static Optional<Duration> budgetLeft(Step step, List<JournalEvent> journal) {
        return step.checkpoint().totalTime().map(t -> t.minus(History.of(journal).computeUsed()));
    }

    // ---- observing ----

    /** What job {@code h}'s observation means for the step, with every action it needs (the executor's included). */
    public Decision observe(JobHandle h, JobObservation o, int maxRestarts) {
        List<LifecycleAction> actions = new ArrayList<>(o.wanted());
        Optional<Result> result = ctl.readResult();
        boolean over = o.status() == JobStatus.ENDED || o.status() == JobStatus.LOST || o.status() == JobStatus.CANCELLED;
        if (!over) {
            overWithoutResultSince = null;
            return new Decision(Verdict.WAITING, o.detail(), result, actions);
        }
        if (result.isPresent() && o.status() != JobStatus.CANCELLED) {
            return new Decision(Verdict.FINISHED, o.detail(), result, actions);
        }
        if (o.status() != JobStatus.LOST && result.isEmpty() && !resultGrace.isZero()) {
            // The coordinator writes result.json at every final end: give shared storage a moment to show it.
            Instant now = clock.instant();
            if (overWithoutResultSince == null) overWithoutResultSince = now;
            if (Duration.between(overWithoutResultSince, now).compareTo(resultGrace) < 0) {
                return new Decision(Verdict.WAITING, o.detail() + "; waiting for its result", result, actions);
            }
        }
        if (o.status() == JobStatus.CANCELLED) return new Decision(Verdict.CANCELLED, "cancelled", result, actions);
        if (stopRequested() || (o.status() == JobStatus.ENDED && ctl.readCoordinatorPhase().filter(p -> p == Phase.STOPPED).isPresent())) {
            return new Decision(Verdict.STOPPED, "stopped after 'crflow checkpoint --stop'", result, actions);
        }
        String reason = o.status() == JobStatus.LOST ? o.lostReason().orElse("lost") : "vanished";
        String detail = o.status() == JobStatus.LOST ? o.detail() : "job ended without a result (" + o.detail() + ")";
        return lost(h, reason, detail, o.nodes(), maxRestarts, actions, result);
    }

    /** A job gone without finishing its step: journal it once, then restart from the newest valid generation or give up. */
    private Decision lost(JobHandle h, String reason, String detail, List<String> nodes, int maxRestarts,
                          List<LifecycleAction> actions, Optional<Result> result) {
        List<JournalEvent> journal = new ArrayList<>(ctl.readJournal());
        boolean noted = journal.stream().anyMatch(e -> e.is(JournalEvent.ATTEMPT_LOST) && h.jobId().equals(e.jobId().orElse(""))
                && !"slurm".equals(e.string("requeuedBy").orElse("")));
        if (!noted) {
            Optional<JournalEvent> start = lastStartOf(journal, h.jobId());
            LifecycleAction.JournalAttemptLost event = new LifecycleAction.JournalAttemptLost(h.jobId(),
                    start.flatMap(JournalEvent::attempt), start.flatMap(JournalEvent::host), reason, nodes, Optional.empty(), detail);
            actions.add(event);
            journal.add(new JournalEvent(JournalEvent.ATTEMPT_LOST, clock.instant(), fields(event)));
        }
        int used = History.restartsWithLosses(journal);
        if (used > maxRestarts) {
            return new Decision(Verdict.GIVE_UP, "lost (" + reason + ") and maxRestarts " + maxRestarts + " exhausted", result, actions);
        }
        boolean nodeProblem = reason.equals("node-fail") || reason.equals("boot-fail");
        actions.add(new LifecycleAction.Resubmit(nodeProblem ? nodes : List.of(), "resumed after " + reason));
        return new Decision(Verdict.RESTART, detail, result, actions);
    }

    private static Optional<JournalEvent> lastStartOf(List<JournalEvent> journal, String jobId) {
        JournalEvent found = null;
        for (JournalEvent e : journal) if (e.is(JournalEvent.ATTEMPT_START) && jobId.equals(e.jobId().orElse(""))) found = e;
        return Optional.ofNullable(found);
    }

    public boolean stopRequested() { return Files.exists(ctl.path().resolve(STOP_MARKER)); }

    // ---- acting: the one place ----

    /**
     * Does {@code actions} in order. Releasing holds and excluding nodes are retried by the next poll when Slurm does
     * not answer; a journal or result file that cannot be written is an environment problem (thrown).
     */
    public void perform(List<LifecycleAction> actions, Resubmitter resubmitter) throws ExecutorException {
        for (LifecycleAction a : actions) {
            if (a instanceof LifecycleAction.ReleaseRequeueHold r) {
                try {
                    executor.releaseRequeueHold(r.jobId());
                } catch (ExecutorException ignored) {
                    // the coordinator releases it too; the next poll tries again
                }
            } else if (a instanceof LifecycleAction.ExcludeNodes x) {
                try {
                    executor.excludeNodes(x.jobId(), x.nodes());
                } catch (ExecutorException ignored) {
                    // the next poll tries again
                }
            } else if (a instanceof LifecycleAction.JournalAttemptLost j) {
                journal(j);
            } else if (a instanceof LifecycleAction.ArchiveResult r) {
                archiveResult(ctl, r.attempt());
            } else if (a instanceof LifecycleAction.Resubmit r) {
                resubmitter.resubmit(r);
            }
        }
    }

    private void journal(LifecycleAction.JournalAttemptLost lost) throws ExecutorException {
        try (Journal j = Journal.openForAppend(ctl.journal(), clock)) {
            j.append(JournalEvent.ATTEMPT_LOST, fields(lost));
        } catch (IOException e) {
            throw new ExecutorException("cannot write " + ctl.journal() + ": " + e.getMessage(), true, e);
        }
    }

    /** The {@code attempt-lost} fields (docs/contracts.md §3), absent optionals left out. */
    static Map<String, Object> fields(LifecycleAction.JournalAttemptLost lost) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("jobId", lost.jobId());
        lost.attempt().ifPresent(a -> f.put("attempt", a));
        lost.host().ifPresent(h -> f.put("host", h));
        f.put("reason", lost.reason());
        f.put("node", String.join(",", lost.nodes()));
        lost.requeuedBy().ifPresent(r -> f.put("requeuedBy", r));
        f.put("message", lost.message());
        return f;
    }

    /** The coordinator writes result.json once per step end; a retry, rerun or restart keeps the old one as result.json.N. */
    public static void archiveResult(StepControlDir ctl, int attempt) throws ExecutorException {
        try {
            if (Files.exists(ctl.result())) {
                Files.move(ctl.result(), ctl.result().resolveSibling("result.json." + attempt), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ExecutorException("cannot archive " + ctl.result() + ": " + e.getMessage(), true, e);
        }
    }
}
