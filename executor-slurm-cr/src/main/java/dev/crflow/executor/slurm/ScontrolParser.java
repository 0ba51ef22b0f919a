package dev.crflow.executor.slurm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code scontrol -o show job ID} (one line of Key=Value pairs; values may contain spaces). */
public final class ScontrolParser {
    // A key starts a field when it follows whitespace and is followed by '='. Values such as
    // "Reason=BeginTime Dependency=(null)" or "Command=/path with space" are cut at the next key.
    private static final Pattern KEY = Pattern.compile("(?:^|\\s)([A-Z][A-Za-z0-9_:/]*)=");

    private ScontrolParser() {}

    public static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = KEY.matcher(line);
        String key = null;
        int valueStart = 0;
        while (m.find()) {
            if (key != null) fields.putIfAbsent(key, line.substring(valueStart, m.start()).strip());
            key = m.group(1);
            valueStart = m.end();
        }
        if (key != null) fields.putIfAbsent(key, line.substring(valueStart).strip());
        return fields;
    }

    /** The first job of the output (array queries print one line per element). */
    public static Optional<JobDetails> parse(String output) {
        for (String line : output.split("\n")) {
            if (line.contains("JobId=")) return Optional.of(details(fields(line)));
        }
        return Optional.empty();
    }

    static JobDetails details(Map<String, String> f) {
        Optional<Integer> exit = Optional.empty();
        String ec = f.get("ExitCode");
        if (ec != null && !ec.isEmpty()) {
            try {
                exit = Optional.of(Integer.parseInt(ec.split(":")[0]));
            } catch (NumberFormatException ignored) {
                // leave empty
            }
        }
        int restarts = 0;
        try {
            restarts = Integer.parseInt(f.getOrDefault("Restarts", "0"));
        } catch (NumberFormatException ignored) {
            // leave 0
        }
        Optional<String> batchHost = Optional.ofNullable(f.get("BatchHost")).filter(h -> !h.isEmpty() && !h.equals("(null)"));
        return new JobDetails(f.getOrDefault("JobId", ""), f.getOrDefault("JobName", ""),
                SlurmState.parse(f.get("JobState")), f.getOrDefault("Reason", ""), restarts, exit,
                HostList.expand(f.get("NodeList")), batchHost, HostList.expand(f.get("ExcNodeList")), f);
    }
}
