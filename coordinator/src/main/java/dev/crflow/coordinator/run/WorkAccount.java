package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.journal.Trigger;
import dev.crflow.coordinator.store.DiskUsage;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What checkpointing saved and what it cost, from the journal alone (docs/contracts.md §3, "Work saved"): the one
 * definition the report, {@code crflow status} and every front end show.
 *
 * <p><b>Progress.</b> The application's useful compute: an attempt starts with the progress of the generation it
 * restored (0 from scratch), then adds the time its application ran (from the successful {@code restore}, or from
 * {@code attempt-start} for a fresh launch), minus the time it stood still in checkpoints. A generation holds the
 * progress at the start of its checkpoint.
 *
 * <p><b>Per interruption</b> (an attempt that ended walltime, preempted, lost or stopped):
 * {@code savedSeconds} is the progress of the generation the next attempt restored (what a restart from scratch would
 * have had to redo; before the next attempt starts, the newest committed generation); {@code lostSeconds} is the
 * progress the attempt reached minus that: compute since the restored generation, done again. An attempt whose last
 * checkpoint committed and stopped the application (the warning signal's, a SIGTERM's, a stop request's) reached
 * exactly that generation's progress: it lost nothing.
 *
 * <p><b>Cost.</b> {@code checkpointSeconds}: the duration of every checkpoint, committed or failed;
 * {@code restoreSeconds}: from each {@code attempt-start} to its successful {@code restore} (verification and restart,
 * fallbacks included); {@code bytesWritten}: every committed generation's bytes, pruned ones too; {@code bytesStored}:
 * the generations on disk now (only from {@link #read(Path)}).
 *
 * @param interruptions one entry per interrupted attempt, oldest first
 */
public record WorkAccount(List<Interruption> interruptions, int checkpoints, double checkpointSeconds, int restores,
                          double restoreSeconds, long bytesWritten, Optional<Long> bytesStored) {

    /**
     * @param restoredFrom the generation the next attempt restored (or, while it has not started, would restore);
     *                     empty when it started from scratch
     * @param pending      no later attempt has started yet: {@code restoredFrom} is the newest committed generation
     * @param lowerBound   the attempt's end is only its last journalled sign of life: at least this much was lost
     * @param stopCheckpoint the attempt ended in a committed checkpoint that stopped the application
     */
    public record Interruption(int attempt, EndReason reason, Optional<Integer> restoredFrom, double savedSeconds,
                               double lostSeconds, boolean lowerBound, boolean stopCheckpoint, boolean pending) {}

    public WorkAccount {
        interruptions = List.copyOf(interruptions);
    }

    public static WorkAccount empty() {
        return new WorkAccount(List.of(), 0, 0, 0, 0, 0, Optional.empty());
    }

    /** Compute the interruptions would have cost from scratch, summed. */
    public double savedSeconds() { return interruptions.stream().mapToDouble(Interruption::savedSeconds).sum(); }

    /** Compute redone after interruptions, summed. */
    public double lostSeconds() { return interruptions.stream().mapToDouble(Interruption::lostSeconds).sum(); }

    /** True when some lost work is only a lower bound. */
    public boolean lostIsLowerBound() { return interruptions.stream().anyMatch(Interruption::lowerBound); }

    /** Time checkpointing cost: checkpoints plus restores. */
    public double costSeconds() { return checkpointSeconds + restoreSeconds; }

    /** This account and {@code other} summed (a run's steps); bytes stored known only when both know them. */
    public WorkAccount plus(WorkAccount other) {
        List<Interruption> all = new ArrayList<>(interruptions);
        all.addAll(other.interruptions);
        Optional<Long> stored = bytesStored.isPresent() && other.bytesStored.isPresent()
                ? Optional.of(bytesStored.get() + other.bytesStored.get()) : bytesStored.or(() -> other.bytesStored);
        return new WorkAccount(all, checkpoints + other.checkpoints, checkpointSeconds + other.checkpointSeconds,
                restores + other.restores, restoreSeconds + other.restoreSeconds, bytesWritten + other.bytesWritten, stored);
    }

    /** The account of control directory {@code ctl}, with the bytes of the generations on disk now. */
    public static WorkAccount read(Path ctl) throws IOException {
        WorkAccount a = of(Journal.read(ctl), Map.of());
        return a.withBytesStored(storedBytes(ctl));
    }

    public WorkAccount withBytesStored(long bytes) {
        return new WorkAccount(interruptions, checkpoints, checkpointSeconds, restores, restoreSeconds, bytesWritten,
                Optional.of(bytes));
    }

    /** Bytes of every generation on disk (a directory with a manifest); 0 when the store cannot be listed. */
    public static long storedBytes(Path ctl) {
        long total = 0;
        try {
            for (Generation g : ImageStore.open(ctl).list()) {
                if (Files.isRegularFile(g.path().resolve(Manifest.FILE_NAME))) total += DiskUsage.bytes(g.path());
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return total;
    }

    public static WorkAccount of(List<JournalEvent> events) { return of(events, Map.of()); }

    /**
     * @param lastSeen attempts the caller knows ended without a word (no fresh heartbeat), each with its last sign of
     *                 life from outside the journal (samples, heartbeat); the last attempt without an end is otherwise
     *                 taken to be running unless a driver journalled it lost
     */
    public static WorkAccount of(List<JournalEvent> events, Map<Integer, Instant> lastSeen) {
        Map<Integer, AttemptLog> attempts = new TreeMap<>();
        int checkpoints = 0, restores = 0;
        long checkpointMs = 0, bytesWritten = 0;
        double restoreSeconds = 0;
        for (JournalEvent e : events) {
            Event t = e.typed();
            if (t instanceof Event.AttemptStart s) {
                AttemptLog a = attempts.computeIfAbsent(s.attempt(), AttemptLog::new);
                a.start = e.time();
                // what it set out to restore; the restore event that follows says what it did (journals without one:
                // the application resumed from this generation as the attempt started)
                a.restored = s.fromGeneration();
                a.seen(e.time());
            } else if (t instanceof Event.Restore r && r.ok()) {
                AttemptLog a = attempts.computeIfAbsent(r.attempt(), AttemptLog::new);
                a.restored = Optional.of(r.generation());
                a.appStart = e.time();
                a.seen(e.time());
                restores++;
                if (a.start != null) restoreSeconds += Duration.between(a.start, e.time()).toMillis() / 1000.0;
            } else if (t instanceof Event.Checkpoint c) {
                AttemptLog a = attempts.computeIfAbsent(c.attempt(), AttemptLog::new);
                a.checkpoints.add(new Ckpt(e.time(), Duration.ofMillis(Math.max(0, c.durationMs())), c.ok(), c.generation(), c.trigger()));
                a.seen(e.time());
                checkpoints++;
                checkpointMs += Math.max(0, c.durationMs());
                if (c.ok()) bytesWritten += Math.max(0, c.bytes());
            } else if (t instanceof Event.Requeue q) {
                attempts.computeIfAbsent(q.attempt(), AttemptLog::new).seen(e.time());
            } else if (t instanceof Event.AttemptEnd end) {
                AttemptLog a = attempts.computeIfAbsent(end.attempt(), AttemptLog::new);
                a.end = Optional.of(end);
                a.endTime = e.time();
            } else if (t instanceof Event.AttemptLost lost && lost.attempt().isPresent()) {
                attempts.computeIfAbsent(lost.attempt().get(), AttemptLog::new).driverLost = true;
            }
        }
        List<AttemptLog> ordered = new ArrayList<>(attempts.values());
        ordered.removeIf(a -> a.start == null && a.lastSeen == null && a.end.isEmpty());
        Map<Integer, Double> progressOf = new HashMap<>();
        List<Interruption> out = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            AttemptLog a = ordered.get(i);
            double base = a.restored.map(g -> progressOf.getOrDefault(g, 0.0)).orElse(0.0);
            Instant appStart = a.appStart != null ? a.appStart : a.start != null ? a.start : a.lastSeen;
            Duration paused = Duration.ZERO;
            for (Ckpt c : a.checkpoints) {
                Instant began = c.time.minus(c.duration);
                if (c.ok && c.generation.isPresent()) {
                    progressOf.put(c.generation.get(), base + ranBetween(appStart, began, paused));
                }
                paused = paused.plus(c.duration);
            }
            boolean last = i == ordered.size() - 1;
            Optional<EndReason> reason = a.end.map(Event.AttemptEnd::reason)
                    .or(() -> !last || a.driverLost || lastSeen.containsKey(a.number) ? Optional.of(EndReason.LOST) : Optional.empty());
            if (reason.isEmpty() || !interrupted(reason.get())) continue;

            boolean lowerBound = a.end.isEmpty();
            Instant end = endOf(a, lastSeen.get(a.number));
            Optional<Ckpt> stop = stoppingCheckpoint(a, reason.get());
            double reached = stop.isPresent()
                    ? progressOf.getOrDefault(stop.get().generation.orElse(-1), base)
                    : base + ranBetween(appStart, end, paused);
            Optional<Integer> restoredFrom;
            boolean pending = last;
            if (!last) {
                restoredFrom = ordered.get(i + 1).restored;
            } else {
                restoredFrom = newestCommitted(ordered);
            }
            double saved = restoredFrom.map(g -> progressOf.getOrDefault(g, 0.0)).orElse(0.0);
            double lost = Math.max(0, reached - saved);
            out.add(new Interruption(a.number, reason.get(), restoredFrom, round3(saved), round3(lost),
                    lowerBound && stop.isEmpty(), stop.isPresent(), pending));
        }
        return new WorkAccount(out, checkpoints, checkpointMs / 1000.0, restores, round3(restoreSeconds), bytesWritten,
                Optional.empty());
    }

    private static boolean interrupted(EndReason r) {
        return r == EndReason.WALLTIME || r == EndReason.PREEMPTED || r == EndReason.LOST || r == EndReason.STOPPED;
    }

    /**
     * The attempt's last checkpoint when it committed and stopped the application: the warning's, a SIGTERM's or a
     * cancel's (always taken to stop), or a manual one that ended the attempt as stopped.
     */
    private static Optional<Ckpt> stoppingCheckpoint(AttemptLog a, EndReason reason) {
        if (a.checkpoints.isEmpty()) return Optional.empty();
        Ckpt c = a.checkpoints.get(a.checkpoints.size() - 1);
        if (!c.ok || c.generation.isEmpty()) return Optional.empty();
        boolean stops = c.trigger == Trigger.SIGNAL || c.trigger == Trigger.TERM || c.trigger == Trigger.CANCEL
                || (c.trigger == Trigger.MANUAL && reason == EndReason.STOPPED);
        return stops ? Optional.of(c) : Optional.empty();
    }

    /**
     * When the attempt ended: its {@code attempt-end}; for one written by the next coordinator for a lost attempt, the
     * compute it charged (up to the last heartbeat) after the start; without any, the last sign of life.
     */
    private static Instant endOf(AttemptLog a, Instant hint) {
        Instant seen = a.lastSeen;
        if (hint != null && (seen == null || hint.isAfter(seen))) seen = hint;
        if (a.end.isPresent() && a.end.get().reason() != EndReason.LOST) return a.endTime;
        if (a.end.isPresent() && a.start != null && a.end.get().computeSeconds() > 0) {
            Instant charged = a.start.plusMillis(Math.round(a.end.get().computeSeconds() * 1000));
            return seen != null && seen.isAfter(charged) ? seen : charged;
        }
        return seen != null ? seen : a.endTime;
    }

    private static Optional<Integer> newestCommitted(List<AttemptLog> attempts) {
        Optional<Integer> newest = Optional.empty();
        for (AttemptLog a : attempts) {
            for (Ckpt c : a.checkpoints) if (c.ok && c.generation.isPresent()) newest = c.generation;
        }
        return newest;
    }

    /** Seconds the application ran from {@code from} to {@code to}, less the time it stood still in checkpoints. */
    private static double ranBetween(Instant from, Instant to, Duration paused) {
        if (from == null || to == null || !to.isAfter(from)) return 0;
        long ms = Duration.between(from, to).minus(paused).toMillis();
        return Math.max(0, ms) / 1000.0;
    }

    private static double round3(double d) { return Math.round(d * 1000) / 1000.0; }

    private record Ckpt(Instant time, Duration duration, boolean ok, Optional<Integer> generation, Trigger trigger) {}

    /** One attempt's events, gathered. */
    private static final class AttemptLog {
        final int number;
        Instant start;
        Instant appStart;
        Instant lastSeen;
        Instant endTime;
        Optional<Integer> restored = Optional.empty();
        Optional<Event.AttemptEnd> end = Optional.empty();
        boolean driverLost;
        final List<Ckpt> checkpoints = new ArrayList<>();

        AttemptLog(int number) { this.number = number; }

        void seen(Instant t) {
            if (lastSeen == null || t.isAfter(lastSeen)) lastSeen = t;
        }
    }
}
