package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Checkpoint;
import dev.crflow.cli.report.StepModel.QueueGap;
import dev.crflow.cli.report.StepModel.Sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import static dev.crflow.cli.report.Html.esc;
import static dev.crflow.cli.report.SvgFrame.LEFT;
import static dev.crflow.cli.report.SvgFrame.PLOT_W;
import static dev.crflow.cli.report.SvgFrame.W;
import static dev.crflow.cli.report.SvgFrame.elapsedAxis;

/** A step's resource chart: memory (RSS, left axis) and CPU (right axis) of the application tree over time. */
final class ResourceChartSvg {
    private ResourceChartSvg() {}

    /** Memory and CPU of the application tree over time, checkpoints as dashed lines, requeue gaps shaded (NERSC Fig. 4). */
    static void render(StringBuilder h, StepReport s, TimeScale ts) {
        double top = 16;
        double plotH = 170;
        double bottom = top + plotH;
        double height = bottom + 40;
        h.append("<svg class=\"resources\" viewBox=\"0 0 ").append(Fmt.c(W)).append(' ').append(Fmt.c(height))
                .append("\" role=\"img\" aria-label=\"memory and CPU of ").append(esc(s.name())).append(" over time\">\n");
        List<Sample> samples = s.samples();
        long maxRss = Math.max(1, s.peakRssBytes());
        double maxCpu = 100;
        for (Sample x : samples) if (x.cpuPercent().isPresent()) maxCpu = Math.max(maxCpu, x.cpuPercent().getAsDouble());
        maxCpu = Math.ceil(maxCpu / 100.0) * 100;

        // memory axis (left): nice steps in a unit that fits
        double unit = maxRss >= 4L << 30 ? 1L << 30 : maxRss >= 4L << 20 ? 1L << 20 : 1L << 10;
        String unitName = unit == 1L << 30 ? "GiB" : unit == 1L << 20 ? "MiB" : "KiB";
        double memStep = niceStep(maxRss / unit / 4);
        double memMax = Math.max(memStep, Math.ceil(maxRss / unit / memStep) * memStep);
        for (double v = 0; v <= memMax + 1e-9; v += memStep) {
            double y = bottom - v / memMax * plotH;
            h.append("<line class=\"grid\" x1=\"").append(Fmt.c(LEFT)).append("\" y1=\"").append(Fmt.c(y)).append("\" x2=\"")
                    .append(Fmt.c(ts.right())).append("\" y2=\"").append(Fmt.c(y)).append("\"/><text class=\"tick mem\" x=\"")
                    .append(Fmt.c(LEFT - 6)).append("\" y=\"").append(Fmt.c(y + 4)).append("\" text-anchor=\"end\">")
                    .append(Fmt.num(v)).append("</text>\n");
        }
        for (double v = 0; v <= maxCpu + 1e-9; v += maxCpu / 4) {
            double y = bottom - v / maxCpu * plotH;
            h.append("<text class=\"tick cpu\" x=\"").append(Fmt.c(ts.right() + 6)).append("\" y=\"").append(Fmt.c(y + 4)).append("\">")
                    .append(Fmt.num(v)).append("</text>\n");
        }
        h.append("<text class=\"axis-title mem\" transform=\"translate(14,").append(Fmt.c(top + plotH / 2)).append(") rotate(-90)\" text-anchor=\"middle\">memory RSS (")
                .append(unitName).append(")</text>\n<text class=\"axis-title cpu\" transform=\"translate(").append(Fmt.c(W - 12)).append(',')
                .append(Fmt.c(top + plotH / 2)).append(") rotate(90)\" text-anchor=\"middle\">CPU (%)</text>\n");
        elapsedAxis(h, ts, bottom, top, bottom);

        for (QueueGap g : s.queueGaps()) {
            double x0 = ts.x(g.from());
            double w = Math.max(1, ts.x(g.to()) - x0);
            h.append("<g class=\"gap-shade\"><rect x=\"").append(Fmt.c(x0)).append("\" y=\"").append(Fmt.c(top)).append("\" width=\"")
                    .append(Fmt.c(w)).append("\" height=\"").append(Fmt.c(plotH)).append("\"/><title>requeue gap: ")
                    .append(esc(Fmt.duration(g.length()))).append("</title>");
            if (w > 60) {
                h.append("<text class=\"gap-label\" x=\"").append(Fmt.c(x0 + w / 2)).append("\" y=\"").append(Fmt.c(top + 14))
                        .append("\" text-anchor=\"middle\">requeue gap ").append(esc(Fmt.duration(g.length()))).append("</text>");
            }
            h.append("</g>\n");
        }
        for (Checkpoint c : s.checkpoints()) {
            double x = ts.x(c.time());
            h.append("<line class=\"ckpt-line").append(c.ok() ? "" : " failed").append("\" x1=\"").append(Fmt.c(x)).append("\" y1=\"")
                    .append(Fmt.c(top)).append("\" x2=\"").append(Fmt.c(x)).append("\" y2=\"").append(Fmt.c(bottom))
                    .append("\"><title>").append(esc(Tooltips.checkpointTitle(c))).append("</title></line>\n");
        }
        if (samples.isEmpty()) {
            h.append("<text class=\"nodata\" x=\"").append(Fmt.c(LEFT + PLOT_W / 2)).append("\" y=\"").append(Fmt.c(top + plotH / 2))
                    .append("\" text-anchor=\"middle\">no samples recorded (samples.jsonl absent or empty)</text>\n");
        } else {
            List<List<Sample>> runs = segments(s, samples);
            for (List<Sample> seg : runs) {
                List<double[]> rss = new ArrayList<>(seg.size());
                List<List<double[]>> cpuRuns = new ArrayList<>();
                List<double[]> cpuRun = new ArrayList<>();
                for (Sample x : seg) {
                    double px = ts.x(x.time());
                    rss.add(new double[] {px, bottom - (x.rssBytes() / unit) / memMax * plotH});
                    OptionalDouble p = x.cpuPercent();
                    if (p.isPresent()) {
                        cpuRun.add(new double[] {px, bottom - p.getAsDouble() / maxCpu * plotH});
                    } else if (!cpuRun.isEmpty()) {
                        cpuRuns.add(cpuRun);
                        cpuRun = new ArrayList<>();
                    }
                }
                if (!cpuRun.isEmpty()) cpuRuns.add(cpuRun);
                if (rss.size() == 1) {
                    // one sample alone (a short attempt): a dot, a line needs two
                    h.append("<circle class=\"rss-dot\" cx=\"").append(Fmt.c(rss.get(0)[0])).append("\" cy=\"").append(Fmt.c(rss.get(0)[1]))
                            .append("\" r=\"2.5\"/>\n");
                    continue;
                }
                String line = polyline(Decimator.minMax(rss, 1.5));
                String first = Fmt.c(rss.get(0)[0]);
                String last = Fmt.c(rss.get(rss.size() - 1)[0]);
                h.append("<path class=\"rss-area\" d=\"M").append(first).append(',').append(Fmt.c(bottom)).append(" L")
                        .append(line.substring(1)).append(" L").append(last).append(',').append(Fmt.c(bottom)).append(" Z\"/>\n")
                        .append("<path class=\"rss\" d=\"").append(line).append("\"/>\n");
                StringBuilder cpu = new StringBuilder();
                for (List<double[]> r : cpuRuns) {
                    if (r.size() == 1) {
                        h.append("<circle class=\"cpu-dot\" cx=\"").append(Fmt.c(r.get(0)[0])).append("\" cy=\"").append(Fmt.c(r.get(0)[1]))
                                .append("\" r=\"2.5\"/>\n");
                        continue;
                    }
                    cpu.append(cpu.length() == 0 ? "" : " ").append(polyline(Decimator.minMax(r, 1.5)));
                }
                if (cpu.length() > 0) h.append("<path class=\"cpu\" d=\"").append(cpu).append("\"/>\n");
            }
            // Invisible hover targets so a pointer shows the figures of the nearest sample.
            int every = Math.max(1, samples.size() / 160);
            h.append("<g class=\"hover\">");
            for (int i = 0; i < samples.size(); i += every) {
                Sample x = samples.get(i);
                h.append("<circle cx=\"").append(Fmt.c(ts.x(x.time()))).append("\" cy=\"")
                        .append(Fmt.c(bottom - (x.rssBytes() / unit) / memMax * plotH)).append("\" r=\"4\"><title>")
                        .append(esc(Fmt.time(x.time()) + "  RSS " + Fmt.bytes(x.rssBytes())
                                + (x.cpuPercent().isPresent() ? "  CPU " + Fmt.num(x.cpuPercent().getAsDouble()) + " %" : "")
                                + "  " + x.processes() + " process(es)")).append("</title></circle>");
            }
            h.append("</g>\n");
        }
        double ly = height - 8;
        h.append("<g class=\"chart-legend\"><line class=\"rss\" x1=\"").append(Fmt.c(LEFT)).append("\" y1=\"").append(Fmt.c(ly - 4))
                .append("\" x2=\"").append(Fmt.c(LEFT + 18)).append("\" y2=\"").append(Fmt.c(ly - 4)).append("\"/><text x=\"")
                .append(Fmt.c(LEFT + 24)).append("\" y=\"").append(Fmt.c(ly)).append("\">memory (RSS)</text>")
                .append("<line class=\"cpu\" x1=\"").append(Fmt.c(LEFT + 120)).append("\" y1=\"").append(Fmt.c(ly - 4)).append("\" x2=\"")
                .append(Fmt.c(LEFT + 138)).append("\" y2=\"").append(Fmt.c(ly - 4)).append("\"/><text x=\"").append(Fmt.c(LEFT + 144))
                .append("\" y=\"").append(Fmt.c(ly)).append("\">CPU %</text>")
                .append("<line class=\"ckpt-legend\" x1=\"").append(Fmt.c(LEFT + 210)).append("\" y1=\"").append(Fmt.c(ly - 10))
                .append("\" x2=\"").append(Fmt.c(LEFT + 210)).append("\" y2=\"").append(Fmt.c(ly + 2)).append("\"/><text x=\"")
                .append(Fmt.c(LEFT + 218)).append("\" y=\"").append(Fmt.c(ly)).append("\">checkpoint</text>")
                .append("<rect class=\"gap-sw\" x=\"").append(Fmt.c(LEFT + 300)).append("\" y=\"").append(Fmt.c(ly - 10))
                .append("\" width=\"18\" height=\"12\"/><text x=\"").append(Fmt.c(LEFT + 324)).append("\" y=\"").append(Fmt.c(ly))
                .append("\">requeue gap</text><text class=\"dim\" x=\"").append(Fmt.c(ts.right())).append("\" y=\"").append(Fmt.c(ly))
                .append("\" text-anchor=\"end\">time since the step's first start</text></g>\n");
        h.append("</svg>\n");
    }

    private static String polyline(List<double[]> pts) {
        StringBuilder b = new StringBuilder(pts.size() * 12);
        for (int i = 0; i < pts.size(); i++) {
            b.append(i == 0 ? "M" : " L").append(Fmt.c(pts.get(i)[0])).append(',').append(Fmt.c(pts.get(i)[1]));
        }
        return b.toString();
    }

    /** Breaks sample lines at attempt boundaries and at holes (the application was not sampled). */
    private static List<List<Sample>> segments(StepReport s, List<Sample> samples) {
        List<Long> deltas = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) deltas.add(Duration.between(samples.get(i - 1).time(), samples.get(i).time()).toMillis());
        deltas.sort(null);
        long median = deltas.isEmpty() ? 0 : deltas.get(deltas.size() / 2);
        long hole = Math.max(15_000, median * 5);
        List<List<Sample>> out = new ArrayList<>();
        List<Sample> cur = new ArrayList<>();
        int curAttempt = Integer.MIN_VALUE;
        Sample prev = null;
        for (Sample x : samples) {
            int a = x.attempt().orElse(ControlDirReader.attemptAt(s.attempts(), x.time()));
            boolean brk = prev != null && (a != curAttempt || Duration.between(prev.time(), x.time()).toMillis() > hole);
            if (brk && !cur.isEmpty()) {
                out.add(cur);
                cur = new ArrayList<>();
            }
            cur.add(x);
            curAttempt = a;
            prev = x;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    static double niceStep(double rough) {
        if (rough <= 0) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * mag;
    }
}
