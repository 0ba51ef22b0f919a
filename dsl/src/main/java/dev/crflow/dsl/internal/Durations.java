package dev.crflow.dsl.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them: with units ({@code 90s}, {@code 5m}, {@code 1h30m}, {@code 72h}, {@code 2d})
 * or in Slurm's forms ({@code MM}, {@code MM:SS}, {@code HH:MM:SS}, {@code D-HH}, {@code D-HH:MM},
 * {@code D-HH:MM:SS}). A bare number ({@code MM}) means minutes, as in Slurm; callers decide whether that
 * form is allowed (it is for time limits, not for {@code lead}, where Slurm's own --signal counts seconds).
 */
public final class Durations {
    private static final Pattern UNITS = Pattern.compile(
            "(?:(\\d+)\\s*d)?\\s*(?:(\\d+)\\s*h)?\\s*(?:(\\d+)\\s*m)?\\s*(?:(\\d+)\\s*s)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SLURM = Pattern.compile("(?:(\\d+)-)?(\\d+)(?::(\\d+))?(?::(\\d+))?");
    public static final String FORMS = "e.g. '90s', '5m', '1h30m', '72h', '01:00:00' or '2-00:00:00'";

    private Durations() {}

    public static Parsed<Duration> parse(String raw, boolean bareNumberIsMinutes) {
        String text = raw.trim();
        if (text.isEmpty()) return Parsed.fail("is empty");
        Matcher units = UNITS.matcher(text);
        if (units.matches() && (units.group(1) != null || units.group(2) != null || units.group(3) != null || units.group(4) != null)) {
            try {
                Duration d = Duration.ofDays(num(units.group(1))).plusHours(num(units.group(2)))
                        .plusMinutes(num(units.group(3))).plusSeconds(num(units.group(4)));
                return Parsed.ok(d);
            } catch (ArithmeticException | NumberFormatException e) {
                return Parsed.fail("is too large");
            }
        }
        Matcher slurm = SLURM.matcher(text);
        if (!slurm.matches()) return Parsed.fail("is not a duration");
        String days = slurm.group(1), a = slurm.group(2), b = slurm.group(3), c = slurm.group(4);
        try {
            if (days == null) {
                if (b == null) {                       // MM
                    if (!bareNumberIsMinutes) return Parsed.fail("has no unit");
                    return Parsed.ok(Duration.ofMinutes(num(a)));
                }
                if (c == null) {                       // MM:SS
                    if (num(b) >= 60) return Parsed.fail("has seconds >= 60");
                    return Parsed.ok(Duration.ofMinutes(num(a)).plusSeconds(num(b)));
                }
                if (num(b) >= 60 || num(c) >= 60) return Parsed.fail("has minutes or seconds >= 60");
                return Parsed.ok(Duration.ofHours(num(a)).plusMinutes(num(b)).plusSeconds(num(c)));   // HH:MM:SS
            }
            if (num(a) >= 24) return Parsed.fail("has hours >= 24 after the day count");
            if ((b != null && num(b) >= 60) || (c != null && num(c) >= 60)) return Parsed.fail("has minutes or seconds >= 60");
            return Parsed.ok(Duration.ofDays(num(days)).plusHours(num(a)).plusMinutes(num(b)).plusSeconds(num(c)));
        } catch (ArithmeticException | NumberFormatException e) {
            return Parsed.fail("is too large");
        }
    }

    private static long num(String s) { return s == null ? 0 : Long.parseLong(s); }

    /** Compact, unambiguous rendering for messages: "1h30m", "60s", "2d". */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) return "0s";
        StringBuilder b = new StringBuilder();
        long days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, seconds = s % 60;
        if (days > 0) b.append(days).append('d');
        if (hours > 0) b.append(hours).append('h');
        if (minutes > 0) b.append(minutes).append('m');
        if (seconds > 0) b.append(seconds).append('s');
        return b.toString();
    }
}
