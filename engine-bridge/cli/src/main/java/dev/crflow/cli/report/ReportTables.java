package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Attempt;
import dev.crflow.cli.report.StepModel.Checkpoint;
import dev.crflow.cli.report.StepModel.LostWork;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static dev.crflow.cli.report.Html.esc;

/** The page's tables: the run summary (one row per step) and each step's attempts and checkpoints. */
final class ReportTables {
    private ReportTables() {}

    static void summary(StringBuilder h, RunReport run) {
        h.append("<section class=\"panel\"><h2>Summary</h2>\n<div class=\"scroll\"><table class=\"summary\">\n<thead><tr>")
                .append("<th>Step</th><th>State</th><th class=\"n\">Attempts</th><th class=\"n\">Restarts</th>")
                .append("<th class=\"n\">Compute</th><th class=\"n\">Queued</th><th class=\"n\">Checkpoints</th>")
                .append("<th class=\"n\" title=\"time spent checkpointing / compute time\">Ckpt overhead</th>")
                .append("<th title=\"compute since the generation the next attempt restored, done again\">Lost work per interruption</th>")
                .append("<th class=\"n\" title=\"generations on disk now / bytes written by all good checkpoints\">Bytes stored</th>")
                .append("<th>Budget left</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < run.steps().size(); i++) {
            StepReport s = run.steps().get(i);
            h.append("<tr class=\"step-row state-").append(s.state().token()).append("\">")
                    .append("<td><a href=\"#step-").append(i).append("\">").append(esc(s.name())).append("</a></td>")
                    .append("<td>").append(badge(s.state())).append("</td>")
                    .append("<td class=\"n\">").append(s.attempts().size()).append("</td>")
                    .append("<td class=\"n\">").append(s.restarts()).append("</td>")
                    .append("<td class=\"n\">").append(esc(Fmt.seconds(s.computeSeconds()))).append("</td>")
                    .append("<td class=\"n\">").append(esc(Fmt.duration(s.queued()))).append("</td>")
                    .append("<td class=\"n\">").append(s.checkpointsOk());
            if (s.checkpointsFailed() > 0) h.append(" <span class=\"bad\">+").append(s.checkpointsFailed()).append(" failed</span>");
            h.append("</td><td class=\"n\">").append(esc(s.checkpointOverheadPercent().isPresent()
                            ? Fmt.percent(s.checkpointOverheadPercent().getAsDouble()) : "–")).append("</td>")
                    .append("<td>").append(lostList(s.lostWork())).append("</td>")
                    .append("<td class=\"n\" title=\"").append(s.storedGenerations().size()).append(" generation(s) on disk now\">")
                    .append(esc(Fmt.bytes(s.bytesStored())))
                    .append("<br><span class=\"dim\">").append(esc(Fmt.bytes(s.bytesWritten()))).append(" written</span>");
            h.append("</td><td class=\"budget\">").append(budgetShort(s)).append("</td></tr>\n");
        }
        h.append("</tbody></table></div></section>\n");
    }

    private static String lostList(List<LostWork> lost) {
        if (lost.isEmpty()) return "<span class=\"dim\">none</span>";
        return lost.stream().map(l -> "<span class=\"lost\" title=\"attempt " + l.attempt() + ", " + esc(l.reason().label())
                        + (l.stopCheckpoint() ? ", stopped by its checkpoint: nothing lost"
                        : l.sinceCheckpoint() ? ", since generation " + l.restoredFrom().get() : ", restarted from scratch")
                        + (l.atLeast() ? "; its end is its last sign of life, so at least this much" : "") + "\">"
                        + esc(l.display(Fmt::duration)) + "</span>")
                .collect(Collectors.joining(" "));
    }

    private static String budgetShort(StepReport s) {
        List<String> parts = new ArrayList<>();
        if (s.restartsLeft().isPresent()) parts.add(esc(plural(s.restartsLeft().getAsInt(), "restart")));
        s.computeLeft().ifPresent(d -> parts.add(esc(Fmt.duration(d) + " compute")));
        if (s.retriesLeft().isPresent()) parts.add(esc(plural(s.retriesLeft().getAsInt(), "retry", "retries")));
        return parts.isEmpty() ? "<span class=\"dim\">no spec.json</span>" : String.join("<br>", parts);
    }

    private static String plural(int n, String one) {
        return plural(n, one, one + "s");
    }

    private static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    static String badge(StepState state) {
        return "<span class=\"badge state-" + state.token() + "\">" + esc(state.label()) + "</span>";
    }

    static void attemptsTable(StringBuilder h, StepReport s) {
        if (s.attempts().isEmpty()) return;
        List<LostWork> lost = s.lostWork();
        h.append("<details open><summary>Attempts (").append(s.attempts().size()).append(")</summary><div class=\"scroll\"><table class=\"attempts\">")
                .append("<thead><tr><th class=\"n\">#</th><th>Job</th><th>Host</th><th>Start</th><th>End</th><th class=\"n\">Duration</th>")
                .append("<th>Reason</th><th class=\"n\">Exit</th><th class=\"n\">From gen</th><th class=\"n\">Lost work</th></tr></thead><tbody>");
        for (Attempt a : s.attempts()) {
            String lostCell = lost.stream().filter(l -> l.attempt() == a.number()).findFirst().map(l -> l.display(Fmt::duration)).orElse("");
            h.append("<tr><td class=\"n\">").append(a.number()).append("</td><td>").append(esc(a.jobId())).append("</td><td>")
                    .append(esc(a.host())).append("</td><td>").append(esc(Fmt.dateTime(a.start()))).append("</td><td>")
                    .append(esc(Fmt.time(a.end()))).append(a.endRecorded() || a.reason() == EndReason.RUNNING ? "" : " <span class=\"dim\">(last seen)</span>")
                    .append("</td><td class=\"n\">").append(esc(Fmt.duration(a.wallTime()))).append("</td><td><i class=\"sw reason-")
                    .append(a.reason().token()).append("\"></i>").append(esc(a.reason().label()))
                    .append(a.message().map(m -> "<div class=\"note\">" + esc(m) + "</div>").orElse("")).append("</td><td class=\"n\">")
                    .append(a.exitCode().isPresent() ? Integer.toString(a.exitCode().getAsInt()) : "").append("</td><td class=\"n\">")
                    .append(a.fromGeneration().isPresent() ? Integer.toString(a.fromGeneration().getAsInt()) : "<span class=\"dim\">fresh</span>")
                    .append("</td><td class=\"n\">").append(esc(lostCell)).append("</td></tr>");
        }
        h.append("</tbody></table></div></details>\n");
    }

    static void checkpointsTable(StringBuilder h, StepReport s) {
        if (s.checkpoints().isEmpty()) return;
        h.append("<details><summary>Checkpoints (").append(s.checkpoints().size()).append(")</summary><div class=\"scroll\"><table class=\"checkpoints\">")
                .append("<thead><tr><th class=\"n\">Gen</th><th class=\"n\">Attempt</th><th>Time</th><th>Trigger</th><th class=\"n\">Duration</th>")
                .append("<th class=\"n\">Size</th><th>Status</th></tr></thead><tbody>");
        for (Checkpoint c : s.checkpoints()) {
            h.append("<tr").append(c.ok() ? "" : " class=\"bad\"").append("><td class=\"n\">")
                    .append(c.generation().isPresent() ? Integer.toString(c.generation().getAsInt()) : "").append("</td><td class=\"n\">")
                    .append(c.attempt()).append("</td><td>").append(esc(Fmt.dateTime(c.time()))).append("</td><td>").append(esc(c.trigger()))
                    .append("</td><td class=\"n\">").append(esc(Fmt.millis(c.duration()))).append("</td><td class=\"n\">")
                    .append(c.bytes().isPresent() ? esc(Fmt.bytes(c.bytes().getAsLong())) : "").append("</td><td>")
                    .append(c.ok() ? "ok" : "failed: " + esc(c.error().orElse("no message"))).append("</td></tr>");
        }
        h.append("</tbody></table></div></details>\n");
    }
}
