package dev.crflow.coordinator.run;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.journal.RequeueKind;
import dev.crflow.coordinator.journal.Trigger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The journal as one attempt writes it: every event carries this attempt's number, {@code attempt-start} and
 * {@code attempt-end} are written at most once each.
 */
final class AttemptJournal {
    private final Journal journal;
    private final int attempt;
    private boolean started;
    private boolean ended;
    /** Said in {@code attempt-start} ({@code fromScratch}) or {@code attempt-end} ({@code message}): a start over. */
    private Optional<String> startOver = Optional.empty();
    /** This attempt's failed checkpoints as journalled, oldest first: "trigger: error". */
    private final List<String> failedCheckpoints = new ArrayList<>();

    AttemptJournal(Journal journal, int attempt) {
        this.journal = journal;
        this.attempt = attempt;
    }

    int attempt() { return attempt; }

    boolean started() { return started; }

    /**
     * This attempt starts over from scratch (before {@link #start}: said in {@code attempt-start}'s {@code fromScratch}),
     * or requeues to start over (before {@link #end}: said in {@code attempt-end}'s {@code message}), although work was
     * done ({@code fromScratch 'allow'}): why.
     */
    void startingOver(String why) { startOver = Optional.of(why); }

    /** {@code attempt-start}; a second call does nothing (a restore fallback is the same attempt). */
    void start(String jobId, String host, int restartCount, Optional<Integer> fromGeneration, String engine,
               Optional<String> engineVersion, boolean local) throws IOException {
        if (started) return;
        started = true;
        journal.append(new Event.AttemptStart(attempt, jobId, host, restartCount, fromGeneration, engine, engineVersion,
                local, ProcessHandle.current().pid(), startOver));
        startOver = Optional.empty();   // said once
    }

    void restore(int generation, boolean ok, Optional<Integer> fallbackFrom, String message) throws IOException {
        journal.append(new Event.Restore(attempt, generation, ok, fallbackFrom, message));
    }

    void request(Optional<String> requestId, boolean stop) throws IOException {
        journal.append(new Event.Request(attempt, requestId, stop, true));
    }

    void checkpointCommitted(int generation, Trigger trigger, long durationMs, long bytes, Optional<String> requestId,
                             java.util.Map<String, Long> commitTimings) throws IOException {
        journal.append(new Event.Checkpoint(attempt, Optional.of(generation), trigger, durationMs, bytes, true,
                Optional.empty(), requestId, Optional.of(commitTimings)));
    }

    void checkpointFailed(Trigger trigger, long durationMs, String error, Optional<String> requestId) throws IOException {
        journal.append(Event.Checkpoint.failed(attempt, trigger, durationMs, error, requestId));
        failedCheckpoints.add(trigger.wireName() + ": " + error);
    }

    /** The failed checkpoints this attempt journalled, oldest first ("trigger: error"). */
    List<String> failedCheckpoints() { return List.copyOf(failedCheckpoints); }

    void interval(Event.IntervalChoice choice) throws IOException {
        journal.append(choice);
    }

    void requeue(boolean ok, RequeueKind kind, String message, Optional<Long> nextTimeLimitSeconds,
                 Optional<Long> remainingBudgetSeconds) throws IOException {
        journal.append(new Event.Requeue(attempt, ok, kind, message, nextTimeLimitSeconds, remainingBudgetSeconds));
    }

    /** {@code attempt-end} of this attempt, once; later calls do nothing. Seconds are rounded to milliseconds. */
    boolean end(EndReason reason, Optional<Integer> exitCode, double computeSeconds, double appSeconds, boolean requeued,
                Optional<Integer> generation) throws IOException {
        if (ended) return false;
        ended = true;
        journal.append(new Event.AttemptEnd(attempt, reason, exitCode, round3(computeSeconds), round3(appSeconds), requeued,
                generation, startOver));
        return true;
    }

    /**
     * {@code attempt-end reason lost} for an earlier attempt whose coordinator ended without a word (killed, node lost),
     * written by this attempt's coordinator.
     */
    static JournalEvent endLost(Journal journal, int lostAttempt, double chargedSeconds) throws IOException {
        return journal.append(new Event.AttemptEnd(lostAttempt, EndReason.LOST, Optional.empty(), round3(chargedSeconds),
                round3(chargedSeconds), false, Optional.empty(), Optional.of("the coordinator of attempt " + lostAttempt
                + " ended without a word (killed, node lost); charged up to its last heartbeat")));
    }

    static double round3(double d) { return Math.round(d * 1000) / 1000.0; }
}
