package dev.crflow.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Maps instants to x coordinates of a chart and chooses readable ticks. */
final class TimeScale {
    private static final long[] STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
            43200, 86400, 172800, 604800};

    final Instant from;
    final Instant to;
    final double left;
    final double width;

    TimeScale(Instant from, Instant to, double left, double width) {
        // A single instant still needs a visible domain.
        Instant end = to.isAfter(from.plusSeconds(1)) ? to : from.plusSeconds(1);
        long padMs = Math.max(200, Duration.between(from, end).toMillis() / 40);
        this.from = from;
        this.to = end.plusMillis(padMs);
        this.left = left;
        this.width = width;
    }

    double x(Instant t) {
        double span = Duration.between(from, to).toMillis();
        double off = Duration.between(from, t).toMillis();
        return left + Math.max(0, Math.min(1, off / span)) * width;
    }

    double right() { return left + width; }

    long spanSeconds() { return Math.max(1, Duration.between(from, to).toSeconds()); }

    long tickStep(int maxTicks) {
        long span = spanSeconds();
        for (long s : STEPS) {
            if (span / s <= maxTicks) return s;
        }
        return STEPS[STEPS.length - 1] * Math.max(1, span / (STEPS[STEPS.length - 1] * maxTicks) + 1);
    }

    /** Ticks at multiples of the step after {@code from} (elapsed axis). */
    List<Long> elapsedTicks(long step) {
        List<Long> out = new ArrayList<>();
        for (long s = 0; s <= spanSeconds(); s += step) out.add(s);
        return out;
    }

    /** Ticks aligned to wall-clock multiples of the step (absolute axis, UTC). */
    List<Instant> clockTicks(long step) {
        List<Instant> out = new ArrayList<>();
        long first = (from.getEpochSecond() + step - 1) / step * step;
        for (long s = first; s <= to.getEpochSecond(); s += step) out.add(Instant.ofEpochSecond(s));
        return out;
    }
}
