package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Attempt;
import dev.crflow.cli.report.StepModel.Heartbeat;
import dev.crflow.cli.report.StepModel.Sample;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** One attempt as the journal tells it, gathered event by event, then closed: the attempt's end or its best guess. */
final class AttemptBuilder {
    final int number;
    Instant start;
    Instant end;
    Instant firstSeen;
    /** Latest event of this attempt other than its attempt-end. */
    Instant lastActivity;
    String jobId = "";
    String host = "";
    String engine = "";
    String engineVersion = "";
    OptionalInt fromGeneration = OptionalInt.empty();
    EndReason reason;
    OptionalInt exitCode = OptionalInt.empty();
    OptionalDouble computeSeconds = OptionalDouble.empty();
    Optional<String> message = Optional.empty();
    /** From the driver's attempt-lost event. */
    Optional<String> driverNote = Optional.empty();

    AttemptBuilder(int number) { this.number = number; }

    void seen(Instant t) {
        if (firstSeen == null || t.isBefore(firstSeen)) firstSeen = t;
    }

    void active(Instant t) {
        seen(t);
        if (lastActivity == null || t.isAfter(lastActivity)) lastActivity = t;
    }

    Instant startOrFirstSeen() { return start != null ? start : firstSeen; }

    Attempt build(boolean running, Instant nextStart, List<Sample> samples, Optional<Heartbeat> heartbeat, Instant now) {
        Instant s = startOrFirstSeen();
        if (end != null && reason != EndReason.LOST) {
            return new Attempt(number, jobId, host, s, end, true, reason, exitCode, computeSeconds, fromGeneration, engine,
                    engineVersion, message);
        }
        if (end == null && running) {
            return new Attempt(number, jobId, host, s, now.isAfter(s) ? now : s, false, EndReason.RUNNING, OptionalInt.empty(),
                    OptionalDouble.empty(), fromGeneration, engine, engineVersion, message);
        }
        // Lost: nobody wrote its end when it ended. A later coordinator may have journalled the loss (at the time
        // it noticed, with the compute charged up to the last heartbeat); either way the best end we have is the
        // last sign of life: an event, a sample or the heartbeat of this attempt, or the charged compute.
        Instant bound = end != null ? end : nextStart;
        Instant last = lastActivity != null ? lastActivity : s;
        for (Sample x : samples) {
            boolean mine = x.attempt().isPresent() ? x.attempt().getAsInt() == number
                    : !x.time().isBefore(s) && (bound == null || x.time().isBefore(bound));
            if (mine && x.time().isAfter(last)) last = x.time();
        }
        if (heartbeat.isPresent()) {
            Heartbeat hb = heartbeat.get();
            boolean mine = hb.attempt().isPresent() ? hb.attempt().getAsInt() == number
                    : !hb.time().isBefore(s) && (bound == null || hb.time().isBefore(bound));
            if (mine && hb.time().isAfter(last)) last = hb.time();
        }
        if (computeSeconds.isPresent() && computeSeconds.getAsDouble() > 0) {
            Instant charged = s.plusMillis(Math.round(computeSeconds.getAsDouble() * 1000));
            if (charged.isAfter(last)) last = charged;
        }
        if (bound != null && last.isAfter(bound)) last = bound;
        Optional<String> note = driverNote.isPresent() && message.isPresent() ? Optional.of(driverNote.get() + "; " + message.get())
                : driverNote.or(() -> message);
        return new Attempt(number, jobId, host, s, last, false, EndReason.LOST, exitCode, computeSeconds,
                fromGeneration, engine, engineVersion, note);
    }
}
