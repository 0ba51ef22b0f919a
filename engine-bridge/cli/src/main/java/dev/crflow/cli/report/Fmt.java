package dev.crflow.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Human formats for the page: durations, sizes, times (UTC), percentages. */
final class Fmt {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private Fmt() {}

    static String duration(Duration d) {
        return seconds(d.toMillis() / 1000.0);
    }

    static String seconds(double secs) {
        if (secs < 0) secs = 0;
        if (secs < 10) return String.format(Locale.ROOT, "%.1f s", secs);
        long s = Math.round(secs);
        if (s < 60) return s + " s";
        long h = s / 3600, m = (s % 3600) / 60, r = s % 60;
        if (h == 0) return String.format(Locale.ROOT, "%dm %02ds", m, r);
        if (h < 48) return String.format(Locale.ROOT, "%dh %02dm", h, m);
        return String.format(Locale.ROOT, "%dd %02dh", h / 24, h % 24);
    }

    static String millis(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : seconds(ms / 1000.0);
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static String percent(double p) {
        return String.format(Locale.ROOT, p < 10 ? "%.2f %%" : "%.1f %%", p);
    }

    static String dateTime(Instant t) { return DATE_TIME.format(t) + " UTC"; }

    static String time(Instant t) { return TIME.format(t); }

    /** Elapsed time as an axis label; {@code step} (seconds) decides the precision. */
    static String elapsed(long s, long step) {
        long h = s / 3600, m = (s % 3600) / 60, r = s % 60;
        if (step < 60) return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, r) : String.format(Locale.ROOT, "%d:%02d", m, r);
        if (h == 0) return m + "m";
        return m == 0 ? h + "h" : String.format(Locale.ROOT, "%dh%02d", h, m);
    }

    static String num(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9) return Long.toString(Math.round(v));
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** SVG coordinates: short, locale-independent. */
    static String c(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
