package dev.crflow.dsl.internal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The vocabulary, block by block: for suggestions, "belongs elsewhere" hints and usage lines. */
public final class Keywords {
    public static final List<String> TOP = List.of("workflow", "policy");
    public static final List<String> WORKFLOW = List.of("defaults", "profile", "step");
    public static final List<String> PROFILE = List.of("defaults");
    public static final List<String> SETTINGS = List.of("partition", "account", "qos", "constraint", "workdir", "time",
            "timeMin", "nodes", "ntasks", "cpusPerTask", "mem", "env", "modules", "sbatch", "checkpoint", "container", "retry");
    public static final List<String> STEP_ONLY = List.of("after", "command", "script");
    public static final List<String> STEP;
    /** The policy keys, except lead: in the DSL an option of signal. */
    public static final List<String> CHECKPOINT = java.util.Arrays.stream(dev.crflow.dsl.policy.PolicyKey.values())
            .filter(k -> k != dev.crflow.dsl.policy.PolicyKey.LEAD).map(dev.crflow.dsl.policy.PolicyKey::dslName).toList();
    public static final List<String> CONTAINER = List.of("runtime", "mount", "module");
    public static final List<String> POLICY = List.of("match");
    public static final List<String> MATCH = List.of("checkpoint", "container", "retry");

    private static final Map<String, String> USAGE = new HashMap<>();
    /** Words users reach for that the DSL spells differently. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("memory", "mem"), Map.entry("cpus", "cpusPerTask"), Map.entry("walltime", "time"),
            Map.entry("queue", "partition"), Map.entry("dependsOn", "after"), Map.entry("depends", "after"),
            Map.entry("needs", "after"), Map.entry("cmd", "command"), Map.entry("run", "command"),
            Map.entry("retries", "retry"), Map.entry("maxRetries", "retry"), Map.entry("environment", "env"),
            Map.entry("restarts", "maxRestarts"), Map.entry("budget", "totalTime"), Map.entry("mounts", "mount"),
            Map.entry("volume", "mount"), Map.entry("bind", "mount"), Map.entry("keepGenerations", "keep"));

    static {
        List<String> step = new java.util.ArrayList<>(SETTINGS);
        step.addAll(0, STEP_ONLY);
        STEP = List.copyOf(step);
        usage("workflow", "workflow('name') { … }");
        usage("policy", "policy { match('glob') { … } }");
        usage("defaults", "defaults { … }");
        usage("profile", "profile('name') { defaults { … } }");
        usage("step", "step('name') { … }");
        for (String k : List.of("partition", "account", "qos", "constraint")) usage(k, k + " 'NAME'");
        usage("workdir", "workdir 'path'");
        usage("time", "time '01:00:00'");
        usage("timeMin", "timeMin '00:45:00'");
        usage("nodes", "nodes 1");
        usage("ntasks", "ntasks 1");
        usage("cpusPerTask", "cpusPerTask 2");
        usage("mem", "mem '4G'");
        usage("env", "env NAME: 'value' or env 'NAME', 'value'");
        usage("modules", "modules 'name', …");
        usage("sbatch", "sbatch '--option=value', …");
        usage("checkpoint", "checkpoint { engine 'dmtcp'; … }");
        usage("container", "container('image') { runtime 'podman'; … }");
        usage("retry", "retry 2");
        usage("after", "after 'step', …");
        usage("command", "command 'shell command'");
        usage("script", "script '''bash script'''");
        usage("engine", "engine 'dmtcp' (" + String.join(" | ", java.util.Arrays.stream(dev.crflow.dsl.model.Engine.values())
                .map(dev.crflow.dsl.model.Engine::dslName).toList()) + ")");
        usage("interval", "interval '5m' or interval 'auto'");
        usage("signal", "signal 'USR1' or signal 'USR1', lead: '60s'");
        usage("forward", "forward 'INT'");
        usage("state", "state 'file', 'dir/', …");
        usage("keep", "keep 2");
        usage("incremental", "incremental true (or false)");
        usage("maxRestarts", "maxRestarts 50");
        usage("totalTime", "totalTime '72h'");
        usage("compress", "compress false (default true for dmtcp and criu)");
        usage("dedup", "dedup false (default true for dmtcp and criu)");
        usage("fromScratch", "fromScratch 'allow' (refuse | allow)");
        usage("runtime", "runtime 'shifter' (" + String.join(" | ", java.util.Arrays.stream(dev.crflow.dsl.model.ContainerRuntime.values())
                .map(dev.crflow.dsl.model.ContainerRuntime::dslName).toList()) + ")");
        usage("mount", "mount '/host/path:/container/path'");
        usage("module", "module 'name'");
        usage("match", "match('glob') { checkpoint { … }; container('image') { … }; retry N }");
    }

    private Keywords() {}

    private static void usage(String keyword, String text) { USAGE.put(keyword, text); }

    public static String usage(String keyword) {
        return "expected " + USAGE.getOrDefault(keyword, keyword + " VALUE");
    }

    public static Optional<String> alias(String name, List<String> keywords) {
        String k = ALIASES.get(name);
        return k != null && keywords.contains(k) ? Optional.of(k) : Optional.empty();
    }

    /** When {@code name} is a keyword of another block: where it belongs. */
    public static Optional<String> homeOf(String name, String block) {
        if (name.equals("lead")) return Optional.of("lead is an option of signal: signal 'USR1', lead: '60s'");
        if (block.equals("match") && (SETTINGS.contains(name) || STEP_ONLY.contains(name))) {
            return Optional.of("a policy rule sets only checkpoint { }, container('image') { } and retry");
        }
        if (CHECKPOINT.contains(name) && !block.equals("checkpoint")) return Optional.of("it belongs in a checkpoint { } block");
        if (CONTAINER.contains(name) && !block.equals("container")) return Optional.of("it belongs in a container('image') { } block");
        if (STEP_ONLY.contains(name) && block.equals("defaults")) return Optional.of("it belongs in a step, not in defaults");
        if (SETTINGS.contains(name) && !block.equals("step") && !block.equals("defaults")) {
            return Optional.of(block.equals("profile") ? "it belongs in the profile's defaults { } block" : "it belongs in a step('name') { } or defaults { } block");
        }
        if (STEP_ONLY.contains(name) && !block.equals("step")) return Optional.of("it belongs in a step('name') { } block");
        if (WORKFLOW.contains(name) && !block.equals("workflow") && !(name.equals("defaults") && block.equals("profile"))) {
            return Optional.of("it belongs directly in the workflow('name') { } block");
        }
        if (name.equals("policy") && !block.equals("top level")) return Optional.of("policy { } goes at the top level of the file");
        if (name.equals("workflow") && !block.equals("top level")) return Optional.of("workflow('name') { } goes at the top level of the file");
        if (name.equals("match") && !block.equals("policy")) return Optional.of("it belongs in a policy { } block");
        return Optional.empty();
    }

    public static Set<String> all() {
        Set<String> s = new LinkedHashSet<>(TOP);
        s.addAll(WORKFLOW); s.addAll(STEP); s.addAll(CHECKPOINT); s.addAll(CONTAINER); s.addAll(POLICY);
        return s;
    }
}
