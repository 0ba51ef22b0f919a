package dev.crflow.dsl.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory as Slurm's --mem takes it: a number with K, M, G or T (optionally followed by B or iB); no unit = MB. */
public final class Memory {
    private static final Pattern MEM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(?:i?B)?", Pattern.CASE_INSENSITIVE);

    private Memory() {}

    /** In MiB, rounded up. */
    public static Parsed<Long> parseMb(String raw) {
        Matcher m = MEM.matcher(raw.trim());
        if (!m.matches()) return Parsed.fail("is not a memory size");
        BigDecimal n = new BigDecimal(m.group(1));
        String unit = m.group(2).toUpperCase(java.util.Locale.ROOT);
        if (unit.isEmpty() && n.scale() > 0 && n.stripTrailingZeros().scale() > 0) return Parsed.fail("has a fraction of a megabyte");
        BigDecimal mb = switch (unit) {
            case "K" -> n.divide(BigDecimal.valueOf(1024), 0, RoundingMode.CEILING);
            case "G" -> n.multiply(BigDecimal.valueOf(1024));
            case "T" -> n.multiply(BigDecimal.valueOf(1024L * 1024));
            default -> n;
        };
        mb = mb.setScale(0, RoundingMode.CEILING);
        if (mb.signum() <= 0) return Parsed.fail("is zero");
        if (mb.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) return Parsed.fail("is too large");
        return Parsed.ok(mb.longValueExact());
    }

    public static String format(long mb) {
        if (mb % (1024L * 1024) == 0) return mb / (1024L * 1024) + "T";
        if (mb % 1024 == 0) return mb / 1024 + "G";
        return mb + "M";
    }
}
