package dev.crflow.cli.report;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The records the report is built from: one step's history as its control directory tells it. */
public final class StepModel {
    private StepModel() {}

    /** One run of the step inside one Slurm allocation (or one local launch). */
    public record Attempt(
            int number,
            String jobId,
            String host,
            Instant start,
            Instant end,
            /** false when no attempt-end was journalled: {@code end} is then the last sign of life (or now, while running). */
            boolean endRecorded,
            EndReason reason,
            OptionalInt exitCode,
            /** computeSeconds from attempt-end; empty when not journalled. */
            OptionalDouble journalledComputeSeconds,
            OptionalInt fromGeneration,
            String engine,
            String engineVersion,
            /** attempt-end's message (e.g. why a lost attempt was charged as it was). */
            Optional<String> message) {

        public Duration wallTime() {
            return end.isBefore(start) ? Duration.ZERO : Duration.between(start, end);
        }

        /** Compute time: the journalled figure when present, else wall time of the attempt. */
        public double computeSeconds() {
            return journalledComputeSeconds.orElse(wallTime().toMillis() / 1000.0);
        }
    }

    public record Checkpoint(
            int attempt,
            OptionalInt generation,
            String trigger,
            /** When the checkpoint event was journalled, i.e. when the checkpoint finished. */
            Instant time,
            Duration duration,
            OptionalLong bytes,
            boolean ok,
            Optional<String> error) {

        public Instant started() { return time.minus(duration); }
    }

    public record Restore(int attempt, Instant time, OptionalInt generation, boolean ok, OptionalInt fallbackFrom, Optional<String> message) {}

    /** @param kind "restart" (walltime, preemption) or "retry" (application failure), when journalled */
    public record Requeue(int attempt, Instant time, boolean ok, Optional<String> kind, Optional<String> message) {}

    /** One sample of the application tree; {@code cpuPercent} derived from the previous sample of the same attempt. */
    public record Sample(Instant time, long rssBytes, double cpuSeconds, int processes, OptionalInt attempt, OptionalDouble cpuPercent) {}

    /** Time between the end of one attempt and the start of the next: queued, requeue hold, waiting for a node. */
    public record QueueGap(int afterAttempt, Instant from, Instant to) {
        public Duration length() { return Duration.between(from, to); }
    }

    /**
     * One interruption: the work redone after it (compute since the generation the next attempt restored) and the
     * work that generation saved (coordinator's {@code WorkAccount}).
     *
     * @param restoredFrom   empty: the next attempt started from scratch
     * @param atLeast        the attempt's end is its last sign of life, so at least this much was lost
     * @param stopCheckpoint the attempt ended in a committed checkpoint that stopped the application: nothing lost
     */
    public record LostWork(int attempt, EndReason reason, Duration lost, Optional<Integer> restoredFrom, boolean atLeast,
                           Duration saved, boolean stopCheckpoint) {

        /** Lost since a committed generation (false: the next attempt started from scratch). */
        public boolean sinceCheckpoint() { return restoredFrom.isPresent(); }

        public String display(java.util.function.Function<Duration, String> format) {
            return (atLeast ? "≥ " : "") + format.apply(lost);
        }
    }

    /** Budgets from spec.json; empty where the spec does not set them (or is absent). */
    public record Budgets(OptionalInt maxRestarts, Optional<Duration> totalTime, OptionalInt retry, Optional<String> engine, Optional<Duration> interval) {
        public static Budgets unknown() {
            return new Budgets(OptionalInt.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** result.json. */
    public record Result(String outcome, OptionalInt exitCode, OptionalInt attempts, OptionalInt restarts, OptionalInt retries,
                         Optional<String> message) {}

    /** The heartbeat file. */
    public record Heartbeat(Instant time, String host, String jobId, String phase, OptionalInt attempt) {}

    /** A committed generation found on disk (a gen-* directory with a MANIFEST.json). */
    public record StoredGeneration(int number, long bytes, Optional<Instant> created) {}

    /** Where the step's files are and what it is called. */
    public record Source(String name, Path controlDir) {}
}
