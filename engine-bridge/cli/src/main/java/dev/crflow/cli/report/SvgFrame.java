package dev.crflow.cli.report;

/** Geometry shared by the page's charts (one viewBox width, one plot area) and the pieces they all draw. */
final class SvgFrame {
    private SvgFrame() {}

    static final double W = 960;
    static final double LEFT = 64;
    static final double RIGHT = 64;
    static final double PLOT_W = W - LEFT - RIGHT;

    static void elapsedAxis(StringBuilder h, TimeScale ts, double axisY, double gridTop, double gridBottom) {
        long step = ts.tickStep(10);
        for (long sec : ts.elapsedTicks(step)) {
            double x = ts.x(ts.from.plusSeconds(sec));
            h.append("<line class=\"grid v\" x1=\"").append(Fmt.c(x)).append("\" y1=\"").append(Fmt.c(gridTop)).append("\" x2=\"")
                    .append(Fmt.c(x)).append("\" y2=\"").append(Fmt.c(gridBottom)).append("\"/><text class=\"tick\" x=\"").append(Fmt.c(x))
                    .append("\" y=\"").append(Fmt.c(axisY + 15)).append("\" text-anchor=\"middle\">").append(Fmt.elapsed(sec, step))
                    .append("</text>\n");
        }
        h.append("<line class=\"axis\" x1=\"").append(Fmt.c(ts.left)).append("\" y1=\"").append(Fmt.c(axisY)).append("\" x2=\"")
                .append(Fmt.c(ts.right())).append("\" y2=\"").append(Fmt.c(axisY)).append("\"/>\n");
    }

    static String ellipsize(String s, int max) {
        if (s.length() <= max) return s;
        return max <= 1 ? "…" : s.substring(0, max - 1) + "…";
    }
}
