package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.LostWork;
import dev.crflow.coordinator.run.WorkAccount;

import java.time.Duration;
import java.util.List;

import static dev.crflow.cli.report.Html.esc;

/**
 * "Work saved": what checkpoints saved (the compute each interruption would have cost from scratch) next to what
 * checkpointing cost (checkpoints, restores, bytes) and the work lost per interruption; the figures are the
 * coordinator's {@link WorkAccount}. Its own page part (cards, one table, step facts) so the rest of the page stays as
 * it is. Stable hooks: {@code section.work-saved}, {@code table.work-saved}, {@code .card.work-saved}.
 */
final class WorkSavedSection {
    private WorkSavedSection() {}

    /** The header's run-wide cards. */
    static void cards(StringBuilder h, RunTotals t) {
        WorkAccount w = t.work();
        h.append("<div class=\"cards work-saved\">");
        card(h, Fmt.duration(t.workSaved()), "work saved by checkpoints",
                "compute the interruptions would have cost from scratch: the work in the generations restarts resumed from");
        card(h, Fmt.seconds(w.costSeconds()), "checkpointing cost",
                Fmt.seconds(w.checkpointSeconds()) + " in " + w.checkpoints() + " checkpoint(s), " + Fmt.seconds(w.restoreSeconds())
                        + " in " + w.restores() + " restore(s)");
        card(h, Fmt.bytes(w.bytesWritten()), "image bytes written", "all committed generations, pruned ones included");
        h.append("</div>\n");
    }

    private static void card(StringBuilder h, String value, String label, String title) {
        h.append("<div class=\"card work-saved\" title=\"").append(esc(title)).append("\"><div class=\"v\">").append(esc(value))
                .append("</div><div class=\"l\">").append(esc(label)).append("</div></div>");
    }

    /** One row per step: saved, cost, bytes, and each interruption's lost and saved work. */
    static void table(StringBuilder h, RunReport run) {
        h.append("<section class=\"panel work-saved\"><h2>Work saved by checkpoints</h2>\n<div class=\"scroll\"><table class=\"work-saved\">\n<thead><tr>")
                .append("<th>Step</th><th class=\"n\" title=\"compute the interruptions would have cost from scratch\">Work saved</th>")
                .append("<th class=\"n\" title=\"time in checkpoints (committed or failed) and restores\">Checkpointing cost</th>")
                .append("<th class=\"n\" title=\"bytes of all committed generations / on disk now\">Bytes written / stored</th>")
                .append("<th title=\"per interruption: work redone (since the generation restored) / work kept\">Per interruption: lost / saved</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < run.steps().size(); i++) {
            StepReport s = run.steps().get(i);
            WorkAccount w = s.work();
            h.append("<tr><td><a href=\"#step-").append(i).append("\">").append(esc(s.name())).append("</a></td>")
                    .append("<td class=\"n\">").append(esc(Fmt.duration(s.workSaved()))).append("</td>")
                    .append("<td class=\"n\">").append(esc(Fmt.seconds(w.costSeconds())))
                    .append("<br><span class=\"dim\">").append(esc(Fmt.seconds(w.checkpointSeconds()))).append(" ckpt, ")
                    .append(esc(Fmt.seconds(w.restoreSeconds()))).append(" restore</span></td>")
                    .append("<td class=\"n\">").append(esc(Fmt.bytes(w.bytesWritten()))).append(" / ")
                    .append(esc(Fmt.bytes(s.bytesStored()))).append("</td>")
                    .append("<td>").append(interruptions(s.lostWork())).append("</td></tr>\n");
        }
        h.append("</tbody></table></div></section>\n");
    }

    private static String interruptions(List<LostWork> list) {
        if (list.isEmpty()) return "<span class=\"dim\">no interruption</span>";
        StringBuilder b = new StringBuilder();
        for (LostWork l : list) {
            if (b.length() > 0) b.append("<br>");
            b.append("<span class=\"interruption\" title=\"").append(esc(tooltip(l))).append("\">attempt ").append(l.attempt())
                    .append(" (").append(esc(l.reason().label())).append("): lost ").append(esc(l.display(Fmt::duration)))
                    .append(", saved ").append(esc(Fmt.duration(l.saved()))).append("</span>");
        }
        return b.toString();
    }

    private static String tooltip(LostWork l) {
        String from = l.restoredFrom().map(g -> "resumed from generation " + g).orElse("restarted from scratch");
        String why = l.stopCheckpoint() ? "; its last checkpoint stopped the application, so nothing was lost"
                : l.atLeast() ? "; its end is its last sign of life, so at least this much was lost" : "";
        return from + why;
    }

    /** The step's facts: work saved and what it cost. */
    static void facts(StringBuilder h, StepReport s) {
        Duration saved = s.workSaved();
        h.append("<div><dt>work saved</dt><dd>").append(esc(Fmt.duration(saved))).append("</dd></div>")
                .append("<div><dt>checkpointing cost</dt><dd>").append(esc(Fmt.seconds(s.checkpointCostSeconds())
                        + " (" + Fmt.seconds(s.work().restoreSeconds()) + " restoring), " + Fmt.bytes(s.work().bytesWritten()) + " written"))
                .append("</dd></div>");
    }
}
