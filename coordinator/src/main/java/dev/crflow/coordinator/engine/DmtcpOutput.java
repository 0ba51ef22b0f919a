package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.ProcessLauncher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What DMTCP's tools print, read by key or pattern, never by word position. */
final class DmtcpOutput {
    static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?(?:[-.+][A-Za-z0-9.]+)?)");

    private DmtcpOutput() {}

    static Optional<String> parseVersion(String text) {
        for (String line : text.split("\n")) {
            if (line.toLowerCase().contains("dmtcp")) {
                Matcher m = VERSION.matcher(line);
                if (m.find()) return Optional.of(m.group(1));
            }
        }
        Matcher m = VERSION.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code dmtcp_command -s} by key: NUM_PEERS=n, RUNNING=yes|no. */
    static Map<String, String> parseStatus(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return m;
    }

    static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * dmtcp_command's answer "not in a running state" to {@code --kcheckpoint}: exit 2, printed as "Computation was
     * checkpointed and killed." (DMTCP's DMT_COORD_NOT_RUNNING, worded so in 3.2, 4.2 and 5.0). It follows a refused
     * request as well as, in 4.2, an accepted one (its dmtcp_command sends the request twice); the engine looks at the
     * processes and the checkpoint directory to tell.
     */
    static boolean refusedAsNotRunning(ProcessLauncher.CommandResult r) {
        return !r.timedOut() && r.exitCode() == 2 && r.output().contains("checkpointed and killed");
    }
}
