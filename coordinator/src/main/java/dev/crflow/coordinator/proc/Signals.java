package dev.crflow.coordinator.proc;

import java.util.Locale;
import java.util.Map;

/** Canonical signal names (as in the DSL: "USR1", no "SIG") and their Linux numbers (x86-64, arm64, riscv). */
public final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ABRT", 6),
            Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
            Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("XCPU", 24), Map.entry("URG", 23));

    private Signals() {}

    public static String canonical(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        return n.startsWith("SIG") ? n.substring(3) : n;
    }

    public static int number(String name) {
        Integer n = NUMBERS.get(canonical(name));
        if (n == null) throw new IllegalArgumentException("unknown signal '" + name + "' (known: " + NUMBERS.keySet() + ")");
        return n;
    }
}
