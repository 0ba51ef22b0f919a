package dev.crflow.cli.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code crflow run} records about the run as a whole ({@code .crflow/run.json}, {@code .crflow/workflow.json}):
 * the workflow's name, the executor, and its steps in declaration order with their dependencies — so the page
 * lists steps not submitted yet and keeps the workflow's order. Absent for bridge roots; every field optional.
 */
public record RunMeta(Optional<String> workflowName, Optional<String> runId, Optional<String> executor,
                      Optional<String> workflowFile, Optional<String> profile, Map<String, List<String>> stepsInOrder) {

    public RunMeta {
        stepsInOrder = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stepsInOrder));
    }

    public static RunMeta none() {
        return new RunMeta(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    /** The run directory ({@code .crflow}) a search root belongs to, if any. */
    static Optional<Path> runDirectoryOf(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        if (name(abs).equals("steps") && abs.getParent() != null && name(abs.getParent()).equals(".crflow")) return Optional.of(abs.getParent());
        if (name(abs).equals(".crflow")) return Optional.of(abs);
        Path nested = abs.resolve(".crflow");
        return Files.isRegularFile(nested.resolve("run.json")) ? Optional.of(nested) : Optional.empty();
    }

    static RunMeta read(Path root, List<String> warnings) {
        Optional<Path> dir = runDirectoryOf(root);
        if (dir.isEmpty()) return none();
        JsonNode run = JsonLines.readObject(dir.get().resolve("run.json"), warnings::add);
        JsonNode wf = JsonLines.readObject(dir.get().resolve("workflow.json"), warnings::add);
        Map<String, List<String>> steps = new LinkedHashMap<>();
        if (wf != null && wf.path("steps").isArray()) {
            for (JsonNode s : wf.path("steps")) {
                Optional<String> name = ControlDirReader.text(s, "name");
                if (name.isEmpty()) continue;
                List<String> after = new ArrayList<>();
                for (JsonNode a : s.path("after")) if (a.isTextual()) after.add(a.asText());
                steps.put(name.get(), after);
            }
        }
        Optional<String> wfName = run == null ? Optional.empty() : ControlDirReader.text(run, "workflowName");
        if (wfName.isEmpty() && wf != null) wfName = ControlDirReader.text(wf, "name");
        return new RunMeta(wfName,
                run == null ? Optional.empty() : ControlDirReader.text(run, "runId"),
                run == null ? Optional.empty() : ControlDirReader.text(run, "executor"),
                run == null ? Optional.empty() : ControlDirReader.text(run, "workflowFile"),
                run == null ? Optional.empty() : ControlDirReader.text(run, "profile"),
                steps);
    }

    private static String name(Path p) {
        return p.getFileName() == null ? "" : p.getFileName().toString();
    }
}
