package dev.crflow.executor.slurm;

import java.time.Duration;

/** Slurm's time formats. */
public final class SlurmTime {
    private SlurmTime() {}

    /**
     * {@code D-HH:MM:SS}, rounded up to whole minutes because Slurm's time limits have minute granularity
     * (a 90 s request would otherwise be cut to 1 minute and end before its warning signal).
     */
    public static String limit(Duration d) {
        long seconds = Math.max(60, d.getSeconds() + (d.getNano() > 0 ? 1 : 0));
        long minutes = (seconds + 59) / 60;
        long days = minutes / (24 * 60);
        long hours = (minutes / 60) % 24;
        long mins = minutes % 60;
        return String.format("%d-%02d:%02d:00", days, hours, mins);
    }

    /**
     * Parses Slurm's printed times ({@code 5}, {@code 05:00}, {@code 1:02:03}, {@code 2-00:00:00},
     * {@code UNLIMITED}); empty for unlimited or unparsable values.
     */
    public static java.util.Optional<Duration> parse(String text) {
        if (text == null) return java.util.Optional.empty();
        String t = text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("UNLIMITED") || t.equalsIgnoreCase("INVALID") || t.equals("N/A")
                || t.equalsIgnoreCase("NOT_SET")) {
            return java.util.Optional.empty();
        }
        try {
            long days = 0;
            int dash = t.indexOf('-');
            if (dash > 0) {
                days = Long.parseLong(t.substring(0, dash));
                t = t.substring(dash + 1);
            }
            String[] parts = t.split(":");
            long h = 0, m = 0, s = 0;
            if (dash > 0) {
                h = Long.parseLong(parts[0]);
                if (parts.length > 1) m = Long.parseLong(parts[1]);
                if (parts.length > 2) s = Long.parseLong(parts[2]);
            } else if (parts.length == 1) {
                m = Long.parseLong(parts[0]);
            } else if (parts.length == 2) {
                m = Long.parseLong(parts[0]);
                s = Long.parseLong(parts[1]);
            } else {
                h = Long.parseLong(parts[0]);
                m = Long.parseLong(parts[1]);
                s = Long.parseLong(parts[2]);
            }
            return java.util.Optional.of(Duration.ofDays(days).plusHours(h).plusMinutes(m).plusSeconds(s));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
