package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Attempt;
import dev.crflow.cli.report.StepModel.Budgets;
import dev.crflow.cli.report.StepModel.Checkpoint;
import dev.crflow.cli.report.StepModel.Heartbeat;
import dev.crflow.cli.report.StepModel.LostWork;
import dev.crflow.cli.report.StepModel.QueueGap;
import dev.crflow.cli.report.StepModel.Requeue;
import dev.crflow.cli.report.StepModel.Restore;
import dev.crflow.cli.report.StepModel.Result;
import dev.crflow.cli.report.StepModel.Sample;
import dev.crflow.cli.report.StepModel.Source;
import dev.crflow.cli.report.StepModel.StoredGeneration;

import dev.crflow.coordinator.run.WorkAccount;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** One step's history and the figures derived from it. Immutable. */
public record StepReport(
        Source source,
        StepState state,
        List<Attempt> attempts,
        List<Checkpoint> checkpoints,
        List<Restore> restores,
        List<Requeue> requeues,
        List<Sample> samples,
        Budgets budgets,
        Optional<Result> result,
        List<StoredGeneration> storedGenerations,
        Optional<Heartbeat> heartbeat,
        Optional<String> jobIdSubmitted,
        /** The step's name as spec.json gives it (the bridges' process/rule name); empty without spec.json. */
        Optional<String> specName,
        List<String> warnings,
        /** interval 'auto': the newest choice and its inputs; empty for a fixed interval or none. */
        Optional<AutoIntervalFacts> autoInterval,

        /** What checkpointing saved and cost, as the coordinator's {@link WorkAccount} reads the journal. */
        WorkAccount work) {

    public StepReport {
        attempts = List.copyOf(attempts);
        checkpoints = List.copyOf(checkpoints);
        restores = List.copyOf(restores);
        requeues = List.copyOf(requeues);
        samples = List.copyOf(samples);
        storedGenerations = List.copyOf(storedGenerations);
        warnings = List.copyOf(warnings);
    }

    public String name() { return source.name(); }

    public StepReport withName(String name) {
        return new StepReport(new Source(name, source.controlDir()), state, attempts, checkpoints, restores, requeues, samples,
                budgets, result, storedGenerations, heartbeat, jobIdSubmitted, specName, warnings, autoInterval, work);
    }

    /** First instant anything happened: the first attempt's start, or the first sample/checkpoint. */
    public Optional<Instant> start() {
        Instant s = null;
        for (Attempt a : attempts) s = min(s, a.start());
        for (Sample x : samples) s = min(s, x.time());
        for (Checkpoint c : checkpoints) s = min(s, c.started());
        return Optional.ofNullable(s);
    }

    public Optional<Instant> end() {
        Instant e = null;
        for (Attempt a : attempts) e = max(e, a.end());
        for (Sample x : samples) e = max(e, x.time());
        for (Checkpoint c : checkpoints) e = max(e, c.time());
        for (Requeue r : requeues) e = max(e, r.time());
        return Optional.ofNullable(e);
    }

    public List<QueueGap> queueGaps() {
        List<QueueGap> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            Attempt prev = attempts.get(i - 1);
            Attempt next = attempts.get(i);
            if (next.start().isAfter(prev.end())) gaps.add(new QueueGap(prev.number(), prev.end(), next.start()));
        }
        return gaps;
    }

    public Duration queued() {
        return queueGaps().stream().map(QueueGap::length).reduce(Duration.ZERO, Duration::plus);
    }

    /** Requeues/restarts after an interruption: the attempts that followed an interrupted one (result.json wins when present). */
    public int restarts() {
        if (result.isPresent() && result.get().restarts().isPresent()) return result.get().restarts().getAsInt();
        int n = 0;
        for (int i = 0; i + 1 < attempts.size(); i++) {
            if (attempts.get(i).reason().isInterruption()) n++;
        }
        return n;
    }

    /** Attempts that followed an application failure (the retry budget). */
    public int retries() {
        if (result.isPresent() && result.get().retries().isPresent()) return result.get().retries().getAsInt();
        int n = 0;
        for (int i = 0; i + 1 < attempts.size(); i++) {
            EndReason r = attempts.get(i).reason();
            if (r == EndReason.FAILED || r == EndReason.ENGINE_ERROR) n++;
        }
        return n;
    }

    public double computeSeconds() {
        return attempts.stream().mapToDouble(Attempt::computeSeconds).sum();
    }

    public double checkpointSeconds() {
        return checkpoints.stream().mapToLong(c -> c.duration().toMillis()).sum() / 1000.0;
    }

    /** Time spent checkpointing as a percentage of compute time; empty when there was no compute. */
    public OptionalDouble checkpointOverheadPercent() {
        double compute = computeSeconds();
        if (compute <= 0) return OptionalDouble.empty();
        return OptionalDouble.of(100.0 * checkpointSeconds() / compute);
    }

    public long checkpointsOk() { return checkpoints.stream().filter(Checkpoint::ok).count(); }

    public long checkpointsFailed() { return checkpoints.size() - checkpointsOk(); }

    /** Bytes written by good checkpoints (all generations, including those since pruned). */
    public long bytesWritten() {
        return checkpoints.stream().filter(Checkpoint::ok).mapToLong(c -> c.bytes().orElse(0)).sum();
    }

    /** Bytes of the generations on disk now. */
    public long bytesStored() {
        return storedGenerations.stream().mapToLong(StoredGeneration::bytes).sum();
    }

    /**
     * For every interrupted attempt: the compute since the generation the next attempt restored, done again (none
     * after a checkpoint that stopped the application: the warning's, a SIGTERM's, a stop request's), next to the
     * compute that generation saved. The coordinator's {@link WorkAccount} is the one definition.
     */
    public List<LostWork> lostWork() {
        List<LostWork> out = new ArrayList<>();
        for (WorkAccount.Interruption i : work.interruptions()) {
            out.add(new LostWork(i.attempt(), EndReason.fromJournal(i.reason().wireName()), Duration.ofMillis(Math.round(i.lostSeconds() * 1000)),
                    i.restoredFrom(), i.lowerBound(), Duration.ofMillis(Math.round(i.savedSeconds() * 1000)), i.stopCheckpoint()));
        }
        return out;
    }

    /** Compute the interruptions would have cost from scratch (what restoring generations saved). */
    public Duration workSaved() {
        return Duration.ofMillis(Math.round(work.savedSeconds() * 1000));
    }

    /** What checkpointing cost in time: every checkpoint plus every restore. */
    public double checkpointCostSeconds() {
        return work.costSeconds();
    }

    /** True when some lost work is a lower bound (an attempt whose end is only its last sign of life). */
    public boolean lostWorkIsLowerBound() {
        return lostWork().stream().anyMatch(LostWork::atLeast);
    }

    public Duration totalLostWork() {
        return lostWork().stream().map(LostWork::lost).reduce(Duration.ZERO, Duration::plus);
    }

    /** Restart budget left; empty when the spec sets no limit we know of. */
    public OptionalInt restartsLeft() {
        OptionalInt max = budgets.maxRestarts();
        return max.isPresent() ? OptionalInt.of(Math.max(0, max.getAsInt() - restarts())) : OptionalInt.empty();
    }

    public Optional<Duration> computeLeft() {
        return budgets.totalTime().map(t -> {
            Duration left = t.minusMillis(Math.round(computeSeconds() * 1000));
            return left.isNegative() ? Duration.ZERO : left;
        });
    }

    public OptionalInt retriesLeft() {
        OptionalInt max = budgets.retry();
        return max.isPresent() ? OptionalInt.of(Math.max(0, max.getAsInt() - retries())) : OptionalInt.empty();
    }

    public long peakRssBytes() {
        return samples.stream().mapToLong(Sample::rssBytes).max().orElse(0);
    }

    private static Instant min(Instant a, Instant b) { return a == null || b.isBefore(a) ? b : a; }

    private static Instant max(Instant a, Instant b) { return a == null || b.isAfter(a) ? b : a; }
}
