package dev.crflow.snakemake;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Snakemake writes into a jobscript's {@code # properties = {json}} line, as data.
 *
 * @param type      {@code single} or {@code group}
 * @param name      the rule name (single job) or the group id (group job)
 * @param rules     the rules the job runs: one for a single job, every {@code --allowed-rules} entry for a group
 * @param jobId     Snakemake's job id: a number for single jobs, a UUID for groups (not stable across runs)
 * @param input     declared inputs (relative to Snakemake's working directory)
 * @param output    declared outputs; for a group only the group's final outputs
 * @param resources every resource as Snakemake evaluated it (numbers stay numbers, strings stay strings)
 */
public record JobProperties(String type, String name, List<String> rules, String jobId, int threads,
                            List<String> input, List<String> output, List<String> log,
                            Map<String, String> wildcards, Map<String, Object> params,
                            Map<String, Object> resources) {

    public JobProperties {
        rules = List.copyOf(rules);
        input = List.copyOf(input);
        output = List.copyOf(output);
        log = List.copyOf(log);
        wildcards = Collections.unmodifiableMap(new LinkedHashMap<>(wildcards));
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
    }

    public boolean isGroup() { return "group".equals(type); }

    public Optional<Object> resource(String key) { return Optional.ofNullable(resources.get(key)); }

    static JobProperties fromJson(JsonNode root, List<String> allowedRules) {
        String type = text(root, "type").orElse("single");
        boolean group = "group".equals(type);
        String name = group ? text(root, "groupid").orElseThrow(() -> new JobscriptException("group job without 'groupid'"))
                : text(root, "rule").orElseThrow(() -> new JobscriptException("job without 'rule'"));
        List<String> rules = group ? allowedRules : List.of(name);
        JsonNode jobid = root.get("jobid");
        String jobId = jobid == null || jobid.isNull() ? "" : jobid.asText();
        Map<String, String> wildcards = new LinkedHashMap<>();
        JsonNode wc = root.get("wildcards");
        if (wc != null && wc.isObject()) wc.fields().forEachRemaining(e -> wildcards.put(e.getKey(), e.getValue().asText()));
        return new JobProperties(type, name, rules, jobId, root.path("threads").asInt(1),
                strings(root.get("input")), strings(root.get("output")), strings(root.get("log")),
                wildcards, objects(root.get("params")), objects(root.get("resources")));
    }

    private static Optional<String> text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    /** Snakemake writes named inputs/outputs as a list; tolerate a dict too (values are what matters). */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) return out;
        if (node.isArray()) node.forEach(n -> { if (n.isValueNode()) out.add(n.asText()); else n.forEach(m -> out.add(m.asText())); });
        else if (node.isObject()) node.forEach(n -> { if (n.isValueNode()) out.add(n.asText()); else n.forEach(m -> out.add(m.asText())); });
        else out.add(node.asText());
        return out;
    }

    private static Map<String, Object> objects(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node == null || !node.isObject()) return out;
        node.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            Object value = v.isIntegralNumber() ? (Object) v.asLong() : v.isNumber() ? (Object) v.asDouble()
                    : v.isTextual() ? v.asText() : v.isBoolean() ? (Object) v.asBoolean() : v.toString();
            out.put(e.getKey(), value);
        });
        return out;
    }
}
