package dev.crflow.cli.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.JournalEvent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The interval {@code interval 'auto'} chose last, and what from: the journal's newest {@code interval} event, as the
 * report and {@code crflow status} (text and {@code --json}, field {@code autoInterval}) show it. Steps with a fixed
 * interval have none.
 *
 * @param choices how many times the coordinators chose (each attempt start, each periodic checkpoint)
 */
@JsonPropertyOrder({"intervalSeconds", "bound", "attempt", "trigger", "checkpointSeconds", "checkpointSamples", "mtbiSeconds",
        "interruptions", "observedSeconds", "priorRate", "priorFromSettings", "choices"})
public record AutoIntervalFacts(double intervalSeconds, String bound, int attempt, String trigger, double checkpointSeconds,
                                int checkpointSamples, double mtbiSeconds, int interruptions, double observedSeconds,
                                double priorRate, boolean priorFromSettings, int choices) {

    public static Optional<AutoIntervalFacts> of(List<JournalEvent> journal) {
        Event.IntervalChoice last = null;
        int n = 0;
        for (JournalEvent e : journal) {
            if (e.typed() instanceof Event.IntervalChoice c) {
                last = c;
                n++;
            }
        }
        if (last == null) return Optional.empty();
        return Optional.of(new AutoIntervalFacts(last.intervalSeconds(), last.bound(), last.attempt(), last.trigger(),
                last.checkpointSeconds(), last.checkpointSamples(), last.mtbiSeconds(), last.interruptions(), last.observedSeconds(),
                last.priorRate(), last.priorFromSettings(), n));
    }

    /** "every 31m 12s (daly: checkpoint 2.1 s (mean of 3), 1 interruption in 1h 2m, mean time between 5h 1m, prior 0.05 per attempt)". */
    public String describe() {
        String cost = checkpointSamples == 0 ? Fmt.seconds(checkpointSeconds) + " (assumed, none measured yet)"
                : Fmt.seconds(checkpointSeconds) + " (mean of " + checkpointSamples + ")";
        return "every " + Fmt.duration(Duration.ofMillis(Math.round(intervalSeconds * 1000))) + " (" + bound + ": checkpoint " + cost
                + ", " + interruptions + (interruptions == 1 ? " interruption" : " interruptions") + " in " + Fmt.seconds(observedSeconds)
                + ", mean time between " + Fmt.seconds(Math.min(mtbiSeconds, 1e12)) + ", prior " + priorRate + " per attempt"
                + (priorFromSettings ? "" : " (default)") + ")";
    }
}
