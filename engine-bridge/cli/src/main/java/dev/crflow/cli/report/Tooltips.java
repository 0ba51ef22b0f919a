package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Attempt;
import dev.crflow.cli.report.StepModel.Checkpoint;
import dev.crflow.cli.report.StepModel.Restore;

/** The hover texts (SVG {@code <title>}s) of the charts; plain text, escaped by the caller. */
final class Tooltips {
    private Tooltips() {}

    static String attemptTitle(StepReport s, Attempt a) {
        StringBuilder t = new StringBuilder();
        t.append(s.name()).append(" — attempt #").append(a.number());
        if (!a.jobId().isEmpty()) t.append(", job ").append(a.jobId());
        if (!a.host().isEmpty()) t.append(" on ").append(a.host());
        t.append('\n').append(Fmt.dateTime(a.start())).append(" → ").append(Fmt.time(a.end())).append(" (").append(Fmt.duration(a.wallTime())).append(')');
        t.append('\n').append(a.reason().label());
        a.exitCode().ifPresent(c -> t.append(", exit ").append(c));
        t.append(a.fromGeneration().isPresent() ? "\nrestarted from generation " + a.fromGeneration().getAsInt() : "\nstarted fresh");
        if (!a.engine().isEmpty()) t.append("\nengine ").append(a.engine()).append(a.engineVersion().isEmpty() ? "" : " " + a.engineVersion());
        if (!a.endRecorded() && a.reason() != EndReason.RUNNING) t.append("\nend estimated from its last sign of life");
        a.message().ifPresent(m -> t.append('\n').append(m));
        return t.toString();
    }

    static String checkpointTitle(Checkpoint c) {
        StringBuilder t = new StringBuilder(c.ok() ? "checkpoint" : "FAILED checkpoint");
        if (c.generation().isPresent()) t.append(" gen ").append(c.generation().getAsInt());
        t.append(" (").append(c.trigger()).append(") at ").append(Fmt.time(c.time()));
        t.append("\nduration ").append(Fmt.millis(c.duration()));
        if (c.bytes().isPresent()) t.append(", size ").append(Fmt.bytes(c.bytes().getAsLong()));
        c.error().ifPresent(e -> t.append("\nerror: ").append(e));
        return t.toString();
    }

    static String requeueNote(StepReport s, int attempt) {
        StringBuilder t = new StringBuilder();
        for (StepModel.Requeue r : s.requeues()) {
            if (r.attempt() != attempt) continue;
            t.append("\nrequeue").append(r.kind().map(k -> " (" + k + ")").orElse("")).append(r.ok() ? "" : " FAILED")
                    .append(r.message().map(m -> ": " + m).orElse(""));
        }
        return t.toString();
    }

    static String restoreTitle(Restore r) {
        StringBuilder t = new StringBuilder(r.ok() ? "restored" : "restore FAILED");
        if (r.generation().isPresent()) t.append(" from generation ").append(r.generation().getAsInt());
        if (r.fallbackFrom().isPresent()) t.append(" (generation ").append(r.fallbackFrom().getAsInt()).append(" failed verification)");
        r.message().ifPresent(m -> t.append('\n').append(m));
        return t.toString();
    }
}
