package dev.crflow.coordinator.interval;

import java.time.Duration;
import java.util.Optional;

/**
 * The pure arithmetic of {@code interval 'auto'} (docs/coordinator.md, "Automatic interval"): from a checkpoint cost C
 * and a mean time between interruptions M, Daly's higher-order estimate of the interval that loses the least work plus
 * checkpoint time, bounded by {@link Limits}. No clock, no files: {@link Measurements} reads those.
 *
 * <p>Daly (2006), "A higher order estimate of the optimum checkpoint interval for restart dumps": for C &lt; 2M,
 * τ = √(2CM)·(1 + ⅓·√(C/2M) + (1/9)·(C/2M)) − C, else τ = M. Young's first-order τ ≈ √(2CM) is its leading term.
 */
public final class YoungDaly {
    private YoungDaly() {}

    /** Which rule set the interval: the formula itself, or the limit that overrode it. */
    public enum Bound {
        /** Daly's estimate, inside every limit. */
        DALY("daly"),
        /**
         * No checkpoint of the step has been measured yet: the first one is taken after {@link Limits#minimum()}, to
         * learn C (a guessed C is off by orders of magnitude between a small signal-engine state and a 30 GiB image).
         */
        PROBE("probe"),
        /** At least {@link Limits#costMultiple()} × C, so checkpoints never take more than a quarter of the time. */
        COST_MULTIPLE("cost-multiple"),
        /** At least {@link Limits#minimum()}: generations and journal lines are not written every few seconds. */
        MINIMUM("minimum"),
        /** At most {@link Limits#maximum()}. */
        MAXIMUM("maximum"),
        /** At most the time left before the warning signal: a periodic checkpoint later than that never happens. */
        WALLTIME("walltime"),
        UNKNOWN("unknown");

        private final String wireName;

        Bound(String wireName) { this.wireName = wireName; }

        public String wireName() { return wireName; }

        public static Bound fromWire(String s) {
            for (Bound b : values()) if (b != UNKNOWN && b.wireName.equals(s)) return b;
            return UNKNOWN;
        }
    }

    /**
     * @param minimum      the shortest interval ever chosen
     * @param costMultiple the interval is at least this many checkpoint costs
     * @param maximum      the longest interval ever chosen
     */
    public record Limits(Duration minimum, double costMultiple, Duration maximum) {
        /**
         * crflow's limits: at least 60 s and 3 × C (checkpoints never take more than a quarter of the time), at most 24 h.
         * Not 10 × C: with expensive checkpoints and frequent interruptions Daly's optimum is below 10 × C (C = 151 s,
         * M = 30 min: 10.7 min), and holding it at 25 min cost 66 % more waste in docs/benchmarks/interval.md.
         */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(60), 3, Duration.ofHours(24));
    }

    /** The chosen interval, the unbounded estimate and the rule that decided. */
    public record Choice(Duration interval, double dalySeconds, Bound bound) {}

    /** Daly's higher-order optimum for cost {@code c} and mean time between interruptions {@code m}, in seconds. */
    public static double daly(double c, double m) {
        if (!(m > 0) || Double.isInfinite(m)) return Double.POSITIVE_INFINITY;
        if (c <= 0) return 0;
        if (c >= 2 * m) return m;
        double x = c / (2 * m);
        return Math.sqrt(2 * c * m) * (1 + Math.sqrt(x) / 3 + x / 9) - c;
    }

    /** Young's first-order optimum √(2CM), for comparison. */
    public static double young(double c, double m) { return Math.sqrt(2 * c * m); }

    /**
     * The interval for cost {@code costSeconds} and mean time between interruptions {@code mtbiSeconds}, bounded below by
     * the cost multiple and the minimum, above by the maximum and the time left before the warning ({@code untilWarning},
     * which wins over the lower bounds: nothing is gained by an interval the attempt does not reach).
     */
    public static Choice choose(double costSeconds, double mtbiSeconds, Optional<Duration> untilWarning, Limits limits) {
        return choose(costSeconds, true, mtbiSeconds, untilWarning, limits);
    }

    /**
     * As {@link #choose(double, double, Optional, Limits)}; when the cost is not {@code measured} (no checkpoint of the
     * step committed yet) the interval is the minimum ({@link Bound#PROBE}), still capped by the time left.
     */
    public static Choice choose(double costSeconds, boolean measured, double mtbiSeconds, Optional<Duration> untilWarning, Limits limits) {
        double raw = daly(costSeconds, mtbiSeconds);
        double t = raw;
        Bound bound = Bound.DALY;
        if (!measured) {
            t = seconds(limits.minimum());
            bound = Bound.PROBE;
            if (untilWarning.isPresent() && t > Math.max(1, seconds(untilWarning.get()))) {
                return new Choice(Duration.ofMillis(Math.round(Math.max(1, seconds(untilWarning.get())) * 1000)), raw, Bound.WALLTIME);
            }
            return new Choice(Duration.ofMillis(Math.round(t * 1000)), raw, bound);
        }
        double byCost = limits.costMultiple() * Math.max(0, costSeconds);
        if (t < byCost) { t = byCost; bound = Bound.COST_MULTIPLE; }
        double min = seconds(limits.minimum());
        if (t < min) { t = min; bound = Bound.MINIMUM; }
        double max = seconds(limits.maximum());
        if (t > max) { t = max; bound = Bound.MAXIMUM; }
        if (untilWarning.isPresent()) {
            double left = Math.max(1, seconds(untilWarning.get()));
            // the warning's own checkpoint ends the attempt: the periodic ones are spread evenly before it, so none
            // falls just before it (one there costs a whole C and saves a few minutes of work)
            long n = Math.max(1, Math.round(left / t));
            while (n > 1 && left / n < Math.max(byCost, min)) n--;
            if (n == 1) { t = left; bound = Bound.WALLTIME; } else { t = left / n; }
        }
        return new Choice(Duration.ofMillis(Math.round(t * 1000)), raw, bound);
    }

    private static double seconds(Duration d) { return d.toMillis() / 1000.0; }
}
