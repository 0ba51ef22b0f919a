package dev.crflow.dsl.policy;

import dev.crflow.dsl.internal.Parsed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one signal list: Linux signal names and numbers (x86-64/arm64), and which of them can be the warning
 * signal. Canonical form: the name without "SIG", upper case.
 */
public final class Signals {
    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();
    private static final String[] BY_NUMBER = new String[32];

    static {
        String[] names = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
                "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
                "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
        for (int i = 1; i < names.length; i++) {
            BY_NAME.put(names[i], i);
            BY_NUMBER[i] = names[i];
        }
    }

    private Signals() {}

    /** The canonical name ("USR1") of "USR1", "SIGUSR1", "usr1", "10" or 10; fails for anything else. */
    public static Parsed<String> canonical(Object value) {
        if (value instanceof Number n) {
            long v = n.longValue();
            if (v >= 1 && v < BY_NUMBER.length && v == n.doubleValue()) return Parsed.ok(BY_NUMBER[(int) v]);
            return Parsed.fail("is not a signal number (1-31)");
        }
        String text = String.valueOf(value).trim();
        if (text.matches("\\d+")) {
            return text.length() <= 2 ? canonical(Integer.parseInt(text)) : Parsed.fail("is not a signal number (1-31)");
        }
        String name = text.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) name = name.substring(3);
        if (name.equals("IOT")) name = "ABRT";
        if (name.equals("POLL")) name = "IO";
        if (name.equals("CLD")) name = "CHLD";
        return BY_NAME.containsKey(name) ? Parsed.ok(name) : Parsed.fail("is not a signal");
    }

    /** SIGKILL and SIGSTOP can be neither caught nor ignored. */
    public static boolean untrappable(String canonical) {
        return canonical.equals("KILL") || canonical.equals("STOP");
    }

    public static Iterable<String> names() { return BY_NAME.keySet(); }

    /**
     * The warning signals: Slurm sends {@code --signal=B:NAME@lead} to the batch shell, i.e. the coordinator,
     * so the name must be one sbatch accepts (it refuses e.g. PWR and WINCH: "Invalid --signal specification")
     * and one the coordinator traps (coordinator Main: USR1, USR2, TERM, INT, HUP, ALRM). Any other signal
     * would take the JVM's default action (XCPU and ABRT kill it, TSTP stops it, URG is ignored): no checkpoint.
     */
    private static final List<String> WARNING = List.of("USR1", "USR2", "TERM", "INT", "HUP", "ALRM");

    public static List<String> warningSignals() { return WARNING; }
}
