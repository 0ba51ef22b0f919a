package dev.crflow.coordinator.interval;

import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.LaunchWrapper;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * What the journal says about a step's checkpoint cost and interruptions, for {@code interval 'auto'}.
 *
 * @param checkpointSeconds the mean duration of the last {@value #RECENT} committed checkpoints (any trigger; the
 *                          duration includes the commit), or {@link #DEFAULT_COST_SECONDS} when none was committed yet
 * @param checkpointSamples how many committed checkpoints that mean is over (0: the default)
 * @param interruptions     attempts ended early: attempt-ends {@code preempted} or {@code lost}, attempt-ends
 *                          {@code failed} with the SIGKILL status (an application killed from outside), and
 *                          {@code attempt-lost} jobs that never started a coordinator. A walltime is not one: it is
 *                          announced by the warning signal, whose checkpoint loses nothing
 * @param observedSeconds   the step's running time those interruptions happened in (attempt-ends' compute seconds)
 */
public record Measurements(double checkpointSeconds, int checkpointSamples, int interruptions, double observedSeconds) {
    /** How many recent checkpoints the cost is the mean of: recent enough to follow a growing image. */
    public static final int RECENT = 5;
    /** The cost assumed before any checkpoint of the step was measured (a few GiB written by DMTCP or CRIU). */
    public static final double DEFAULT_COST_SECONDS = 30;

    public static Measurements of(List<JournalEvent> events) {
        Deque<Long> recent = new ArrayDeque<>();
        int interruptions = 0;
        double observed = 0;
        for (JournalEvent e : events) {
            Event t = e.typed();
            if (t instanceof Event.Checkpoint c && c.ok()) {
                recent.addLast(c.durationMs());
                if (recent.size() > RECENT) recent.removeFirst();
            } else if (t instanceof Event.AttemptEnd end) {
                observed += Math.max(0, end.computeSeconds());
                if (endedEarly(end)) interruptions++;
            }
        }
        interruptions += Event.AttemptLost.beforeAnyStart(events);
        double cost = recent.isEmpty() ? DEFAULT_COST_SECONDS : recent.stream().mapToLong(Long::longValue).average().orElse(0) / 1000.0;
        return new Measurements(cost, recent.size(), interruptions, observed);
    }

    static boolean endedEarly(Event.AttemptEnd end) {
        return end.reason() == EndReason.PREEMPTED || end.reason() == EndReason.LOST
                || (end.reason() == EndReason.FAILED && end.exitCode().filter(c -> c == LaunchWrapper.KILLED_STATUS).isPresent());
    }

    /** The same with {@code seconds} more of running without an interruption (the attempt in progress). */
    public Measurements plusRunning(double seconds) {
        return new Measurements(checkpointSeconds, checkpointSamples, interruptions, observedSeconds + Math.max(0, seconds));
    }
}
