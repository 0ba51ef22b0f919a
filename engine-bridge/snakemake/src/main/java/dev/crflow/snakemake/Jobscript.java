package dev.crflow.snakemake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A jobscript written by Snakemake's cluster executor ({@code #!/bin/sh}, {@code # properties = {json}},
 * then the {@code exec_job} line that re-runs Snakemake for this one job), parsed and made requeue-safe.
 *
 * @param properties the job properties
 * @param workdir    Snakemake's working directory (the {@code cd} of the exec line), when the line has one
 * @param python     the interpreter of {@code python -m snakemake}, when the line has one
 * @param text       the original text
 */
public record Jobscript(JobProperties properties, Optional<String> workdir, Optional<String> python, String text) {
    private static final String PROPERTIES_PREFIX = "# properties = ";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Jobscript read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JobscriptException("cannot read the jobscript " + file + ": " + e.getMessage(), e);
        }
    }

    public static Jobscript parse(String text) {
        String json = null;
        List<ShellWords.Word> exec = null;
        for (String line : text.split("\n", -1)) {
            if (json == null && line.startsWith(PROPERTIES_PREFIX)) json = line.substring(PROPERTIES_PREFIX.length());
            else if (exec == null && isExecLine(line)) exec = ShellWords.split(line);
        }
        if (json == null) {
            throw new JobscriptException("no '# properties = {…}' line: is this a jobscript written by Snakemake's --cluster executor?");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new JobscriptException("the '# properties' line is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new JobscriptException("the '# properties' line is not a JSON object");
        List<String> allowed = exec == null ? List.of() : valuesOf(exec, "--allowed-rules");
        JobProperties props = JobProperties.fromJson(root, allowed);
        return new Jobscript(props, exec == null ? Optional.empty() : workdirOf(exec),
                exec == null ? Optional.empty() : pythonOf(exec), text);
    }

    static boolean isExecLine(String line) {
        return !line.startsWith("#") && line.contains("snakemake") && line.contains("--mode");
    }

    /**
     * The jobscript crflow runs inside the job: Snakemake's own, with two changes to its exec line so that a
     * requeue never loses work.
     * <ul>
     *   <li>{@code --keep-incomplete}: when the rule's command exits after the forwarded checkpoint signal, the
     *   Snakemake inside the job must not delete the declared outputs ("might be corrupted") before crflow
     *   saves them with the application's state. The Snakemake that submitted the job still cleans up a
     *   job that really failed.</li>
     *   <li>{@code --wait-for-files} without Snakemake's temporary jobscript folder ({@code .snakemake/tmp.*}):
     *   that folder is gone once the submitting Snakemake exits, and a requeued attempt would otherwise
     *   wait for it and fail.</li>
     * </ul>
     */
    public String requeueSafeText() {
        StringBuilder out = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (isExecLine(line)) line = requeueSafe(line);
            out.append(line);
            if (i < lines.length - 1) out.append('\n');
        }
        return out.toString();
    }

    static String requeueSafe(String line) {
        List<ShellWords.Word> words = ShellWords.split(line);
        List<ShellWords.Word> out = new ArrayList<>();
        boolean hasKeep = words.stream().anyMatch(w -> w.text().equals("--keep-incomplete"));
        for (int i = 0; i < words.size(); i++) {
            ShellWords.Word w = words.get(i);
            if (w.text().equals("--wait-for-files") && !w.operator()) {
                List<ShellWords.Word> kept = new ArrayList<>();
                int j = i + 1;
                for (; j < words.size() && !words.get(j).operator() && !words.get(j).text().startsWith("--"); j++) {
                    if (!words.get(j).text().contains("/.snakemake/tmp.")) kept.add(words.get(j));
                }
                if (!kept.isEmpty()) { out.add(w); out.addAll(kept); }
                i = j - 1;
                continue;
            }
            if (w.text().equals("--mode") && !hasKeep) { out.add(ShellWords.Word.of("--keep-incomplete")); hasKeep = true; }
            out.add(w);
        }
        return ShellWords.join(out);
    }

    private static List<String> valuesOf(List<ShellWords.Word> words, String flag) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (!words.get(i).text().equals(flag)) continue;
            for (int j = i + 1; j < words.size() && !words.get(j).operator() && !words.get(j).text().startsWith("-"); j++) {
                values.add(words.get(j).text());
            }
        }
        return values;
    }

    private static Optional<String> workdirOf(List<ShellWords.Word> words) {
        if (words.size() >= 2 && words.get(0).text().equals("cd") && !words.get(1).operator()) {
            return Optional.of(words.get(1).text());
        }
        return Optional.empty();
    }

    private static Optional<String> pythonOf(List<ShellWords.Word> words) {
        for (int i = 1; i + 1 < words.size(); i++) {
            if (words.get(i).text().equals("-m") && words.get(i + 1).text().equals("snakemake")) {
                return Optional.of(words.get(i - 1).text());
            }
        }
        return Optional.empty();
    }
}
