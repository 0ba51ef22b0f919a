package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Attempt;
import dev.crflow.cli.report.StepModel.Checkpoint;
import dev.crflow.cli.report.StepModel.QueueGap;
import dev.crflow.cli.report.StepModel.Restore;

import java.time.Instant;
import java.util.Optional;

import static dev.crflow.cli.report.Html.esc;
import static dev.crflow.cli.report.SvgFrame.LEFT;
import static dev.crflow.cli.report.SvgFrame.W;
import static dev.crflow.cli.report.SvgFrame.elapsedAxis;
import static dev.crflow.cli.report.SvgFrame.ellipsize;

/**
 * The timelines: the run overview (one row per step on a common wall-clock axis) and each step's own timeline
 * (attempts as bars, queue gaps hatched, one {@code .ckpt-marker} per checkpoint).
 */
final class TimelineSvg {
    private TimelineSvg() {}

    /** One row per step on a common wall-clock axis: the whole run at a glance. */
    static void overview(StringBuilder h, RunReport run) {
        Optional<Instant> start = run.start();
        Optional<Instant> end = run.end();
        if (start.isEmpty() || end.isEmpty()) return;
        double labelW = 170;
        TimeScale ts = new TimeScale(start.get(), end.get(), labelW, W - labelW - 24);
        double rowH = 26;
        double top = 8;
        double height = top + rowH * run.steps().size() + 28;
        h.append("<section class=\"panel\"><h2>Timeline</h2>\n<svg class=\"overview\" viewBox=\"0 0 ").append(Fmt.c(W)).append(' ')
                .append(Fmt.c(height)).append("\" role=\"img\" aria-label=\"all steps on one time axis\">\n");
        long step = ts.tickStep(8);
        double axisY = top + rowH * run.steps().size() + 4;
        for (Instant t : ts.clockTicks(step)) {
            double x = ts.x(t);
            h.append("<line class=\"grid\" x1=\"").append(Fmt.c(x)).append("\" y1=\"").append(Fmt.c(top)).append("\" x2=\"")
                    .append(Fmt.c(x)).append("\" y2=\"").append(Fmt.c(axisY)).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(Fmt.c(x)).append("\" y=\"").append(Fmt.c(axisY + 14))
                    .append("\" text-anchor=\"middle\">").append(step < 60 ? Fmt.time(t) : Fmt.time(t).substring(0, 5)).append("</text>\n");
        }
        for (int i = 0; i < run.steps().size(); i++) {
            StepReport s = run.steps().get(i);
            double y = top + i * rowH;
            h.append("<a href=\"#step-").append(i).append("\"><text class=\"rowlabel\" x=\"").append(Fmt.c(labelW - 10)).append("\" y=\"")
                    .append(Fmt.c(y + rowH / 2 + 4)).append("\" text-anchor=\"end\">").append(esc(ellipsize(s.name(), 24)))
                    .append("<title>").append(esc(s.name())).append("</title></text></a>\n");
            for (QueueGap g : s.queueGaps()) {
                h.append("<rect class=\"gap\" x=\"").append(Fmt.c(ts.x(g.from()))).append("\" y=\"").append(Fmt.c(y + 7))
                        .append("\" width=\"").append(Fmt.c(Math.max(1, ts.x(g.to()) - ts.x(g.from())))).append("\" height=\"")
                        .append(Fmt.c(rowH - 14)).append("\"><title>queued ").append(esc(Fmt.duration(g.length()))).append("</title></rect>\n");
            }
            for (Attempt a : s.attempts()) {
                double x0 = ts.x(a.start());
                h.append("<rect class=\"attempt reason-").append(a.reason().token()).append("\" x=\"").append(Fmt.c(x0))
                        .append("\" y=\"").append(Fmt.c(y + 4)).append("\" width=\"").append(Fmt.c(Math.max(2, ts.x(a.end()) - x0)))
                        .append("\" height=\"").append(Fmt.c(rowH - 8)).append("\" rx=\"3\"><title>")
                        .append(esc(Tooltips.attemptTitle(s, a))).append("</title></rect>\n");
            }
            for (Checkpoint c : s.checkpoints()) {
                double x = ts.x(c.time());
                h.append("<line class=\"ckpt-tick").append(c.ok() ? "" : " failed").append("\" x1=\"").append(Fmt.c(x)).append("\" y1=\"")
                        .append(Fmt.c(y + 2)).append("\" x2=\"").append(Fmt.c(x)).append("\" y2=\"").append(Fmt.c(y + rowH - 2))
                        .append("\"><title>").append(esc(Tooltips.checkpointTitle(c))).append("</title></line>\n");
            }
        }
        h.append("<line class=\"axis\" x1=\"").append(Fmt.c(labelW)).append("\" y1=\"").append(Fmt.c(axisY)).append("\" x2=\"")
                .append(Fmt.c(ts.right())).append("\" y2=\"").append(Fmt.c(axisY)).append("\"/>\n</svg>\n</section>\n");
    }

    /** Attempts as bars on the step's own axis, queue gaps hatched, one diamond per checkpoint. */
    static void step(StringBuilder h, StepReport s, TimeScale ts) {
        double height = 96;
        double barTop = 30;
        double barH = 30;
        double axisY = 74;
        h.append("<svg class=\"timeline\" viewBox=\"0 0 ").append(Fmt.c(W)).append(' ').append(Fmt.c(height))
                .append("\" role=\"img\" aria-label=\"attempts, queue gaps and checkpoints of ").append(esc(s.name())).append("\">\n");
        h.append("<text class=\"axis-title\" x=\"").append(Fmt.c(LEFT - 8)).append("\" y=\"").append(Fmt.c(barTop + barH / 2 + 4))
                .append("\" text-anchor=\"end\">attempts</text>\n");
        elapsedAxis(h, ts, axisY, barTop - 6, axisY);
        for (QueueGap g : s.queueGaps()) {
            double x0 = ts.x(g.from());
            double w = Math.max(1, ts.x(g.to()) - x0);
            h.append("<g class=\"gap\"><rect x=\"").append(Fmt.c(x0)).append("\" y=\"").append(Fmt.c(barTop + 4)).append("\" width=\"")
                    .append(Fmt.c(w)).append("\" height=\"").append(Fmt.c(barH - 8)).append("\"/><title>queued after attempt ")
                    .append(g.afterAttempt()).append(": ").append(esc(Fmt.duration(g.length()))).append(" (")
                    .append(esc(Fmt.time(g.from()))).append(" → ").append(esc(Fmt.time(g.to()))).append(')')
                    .append(esc(Tooltips.requeueNote(s, g.afterAttempt()))).append("</title>");
            if (w > 44) {
                h.append("<text class=\"gap-label\" x=\"").append(Fmt.c(x0 + w / 2)).append("\" y=\"").append(Fmt.c(barTop + barH / 2 + 4))
                        .append("\" text-anchor=\"middle\">queued ").append(esc(Fmt.duration(g.length()))).append("</text>");
            }
            h.append("</g>\n");
        }
        for (Attempt a : s.attempts()) {
            double x0 = ts.x(a.start());
            double w = Math.max(2, ts.x(a.end()) - x0);
            h.append("<g class=\"attempt-group\"><rect class=\"attempt reason-").append(a.reason().token()).append("\" x=\"")
                    .append(Fmt.c(x0)).append("\" y=\"").append(Fmt.c(barTop)).append("\" width=\"").append(Fmt.c(w))
                    .append("\" height=\"").append(Fmt.c(barH)).append("\" rx=\"4\"/><title>").append(esc(Tooltips.attemptTitle(s, a))).append("</title>");
            String label = "#" + a.number() + (a.host().isEmpty() ? "" : " · " + a.host());
            int fit = (int) ((w - 10) / 6.4);
            if (fit >= 2) {
                h.append("<text class=\"bar-label\" x=\"").append(Fmt.c(x0 + 6)).append("\" y=\"").append(Fmt.c(barTop + barH / 2 + 4))
                        .append("\">").append(esc(ellipsize(label, fit))).append("</text>");
            }
            h.append("</g>\n");
        }
        for (Restore r : s.restores()) {
            double x = ts.x(r.time());
            h.append("<path class=\"restore-marker").append(r.ok() ? "" : " failed").append("\" d=\"M").append(Fmt.c(x)).append(',')
                    .append(Fmt.c(barTop + barH + 1)).append(" l5,8 l-10,0 Z\"><title>").append(esc(Tooltips.restoreTitle(r))).append("</title></path>\n");
        }
        for (Checkpoint c : s.checkpoints()) {
            double x = ts.x(c.time());
            double xs = ts.x(c.started());
            h.append("<g class=\"ckpt-marker ").append(c.ok() ? "ok" : "failed").append(" trigger-").append(Html.token(c.trigger()))
                    .append("\" data-generation=\"").append(c.generation().isPresent() ? Integer.toString(c.generation().getAsInt()) : "")
                    .append("\"><title>").append(esc(Tooltips.checkpointTitle(c))).append("</title>");
            if (x - xs >= 1) {
                h.append("<rect class=\"ckpt-span\" x=\"").append(Fmt.c(xs)).append("\" y=\"").append(Fmt.c(barTop)).append("\" width=\"")
                        .append(Fmt.c(x - xs)).append("\" height=\"").append(Fmt.c(barH)).append("\"/>");
            }
            h.append("<line class=\"stem\" x1=\"").append(Fmt.c(x)).append("\" y1=\"").append(Fmt.c(barTop - 14)).append("\" x2=\"")
                    .append(Fmt.c(x)).append("\" y2=\"").append(Fmt.c(barTop + barH)).append("\"/>");
            if (c.ok()) {
                h.append("<path class=\"diamond\" d=\"M").append(Fmt.c(x)).append(',').append(Fmt.c(barTop - 21)).append(" l6,6 l-6,6 l-6,-6 Z\"/>");
            } else {
                h.append("<path class=\"cross\" d=\"M").append(Fmt.c(x - 5)).append(',').append(Fmt.c(barTop - 20)).append(" l10,10 m0,-10 l-10,10\"/>");
            }
            h.append("</g>\n");
        }
        h.append("</svg>\n");
    }
}
