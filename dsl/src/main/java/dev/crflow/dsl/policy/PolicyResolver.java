package dev.crflow.dsl.policy;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The checkpoint-policy resolver for front ends that hand crflow key → value settings (Nextflow's
 * {@code ext.checkpoint}, Snakemake's {@code checkpoint_*} resources) on top of a policy-file rule. It reads every
 * value with {@link PolicyValues} and applies the DSL's layering rules (docs/dsl.md, "Checkpoint"):
 * <ul>
 *   <li>a key given wins over the base policy, key by key;</li>
 *   <li>switching to another engine drops inherited settings of the old one (forward and state unless the new
 *       engine is 'signal', interval when it is 'none');</li>
 *   <li>engine 'signal' forwards the warning signal unless told otherwise; other engines forward nothing;</li>
 *   <li>interval without an engine is an error; forward or state for another engine than 'signal' a warning.</li>
 * </ul>
 * Diagnostics come back as data; the front end words the location (process, resource) and decides how to fail.
 */
public final class PolicyResolver {
    private PolicyResolver() {}

    /**
     * Maps the front end's keys onto {@link PolicyKey}s. Keys in {@code otherKnown} are the front end's own
     * (Nextflow's {@code runtime}) and are left out of the result; any other key is an error with a suggestion.
     *
     * @param spelling how the front end spells a key ({@link PolicyKey#dslName()}, {@link PolicyKey#resourceName()})
     * @param what     for messages: "ext.checkpoint key", "resource"
     */
    public static Checked<Map<PolicyKey, Object>> keys(Map<?, ?> input, Function<PolicyKey, String> spelling,
                                                       Collection<String> otherKnown, String what) {
        Map<String, PolicyKey> byName = new LinkedHashMap<>();
        for (PolicyKey k : PolicyKey.values()) byName.put(spelling.apply(k), k);
        List<String> known = new ArrayList<>(byName.keySet());
        known.addAll(otherKnown);
        Map<PolicyKey, Object> out = new EnumMap<>(PolicyKey.class);
        for (Map.Entry<?, ?> e : input.entrySet()) {
            String name = String.valueOf(e.getKey());
            PolicyKey k = byName.get(name);
            if (k != null) out.put(k, e.getValue());
            else if (!otherKnown.contains(name)) return Checked.fail(PolicyValues.oneOf("unknown " + what + " '" + name + "'", name, known));
        }
        return Checked.ok(out);
    }

    /**
     * {@code base} with {@code values} on top.
     *
     * @param label how a key is named in messages ("ext.checkpoint lead", "resource checkpoint_lead")
     */
    public static Checked<CheckpointPolicy> overlay(CheckpointPolicy base, Map<PolicyKey, ?> values, Function<PolicyKey, String> label) {
        Map<PolicyKey, Object> read = new EnumMap<>(PolicyKey.class);
        List<PolicyDiagnostic> diagnostics = new ArrayList<>();
        for (Map.Entry<PolicyKey, ?> e : values.entrySet()) {
            Checked<?> c = PolicyValues.read(e.getKey(), label.apply(e.getKey()), e.getValue());
            diagnostics.addAll(c.diagnostics());
            c.value().ifPresent(v -> read.put(e.getKey(), v));
        }
        if (diagnostics.stream().anyMatch(PolicyDiagnostic::isError)) return new Checked<>(Optional.empty(), diagnostics);

        Engine engine = base.engine();
        Optional<Duration> interval = base.interval();
        Optional<String> forward = base.forward();
        List<String> state = base.state();
        if (read.containsKey(PolicyKey.ENGINE)) {
            engine = (Engine) read.get(PolicyKey.ENGINE);
            // settings inherited for another engine do not carry over to this one
            if (engine != Engine.SIGNAL) { forward = Optional.empty(); state = List.of(); }
            if (engine == Engine.NONE) interval = Optional.empty();
        }
        if (read.containsKey(PolicyKey.INTERVAL)) interval = Optional.of((Duration) read.get(PolicyKey.INTERVAL));
        String signal = (String) read.getOrDefault(PolicyKey.SIGNAL, base.signal());
        Duration lead = (Duration) read.getOrDefault(PolicyKey.LEAD, base.lead());
        if (read.containsKey(PolicyKey.FORWARD)) forward = Optional.of((String) read.get(PolicyKey.FORWARD));
        if (read.containsKey(PolicyKey.STATE)) state = castList(read.get(PolicyKey.STATE));
        int keep = (Integer) read.getOrDefault(PolicyKey.KEEP, base.keep());
        int maxRestarts = (Integer) read.getOrDefault(PolicyKey.MAX_RESTARTS, base.maxRestarts());
        Optional<Duration> totalTime = read.containsKey(PolicyKey.TOTAL_TIME)
                ? Optional.of((Duration) read.get(PolicyKey.TOTAL_TIME)) : base.totalTime();

        if (engine == Engine.NONE && read.containsKey(PolicyKey.INTERVAL)) {
            return Checked.fail(PolicyDiagnostic.error(label.apply(PolicyKey.INTERVAL)
                    + " has no effect without a checkpoint engine", "add engine 'dmtcp', 'criu' or 'signal'"));
        }
        if (engine != Engine.SIGNAL && read.containsKey(PolicyKey.FORWARD)) {
            diagnostics.add(PolicyDiagnostic.warning(label.apply(PolicyKey.FORWARD)
                    + " is only used by engine 'signal'; ignored with engine '" + engine.dslName() + "'"));
        }
        if (engine != Engine.SIGNAL && read.containsKey(PolicyKey.STATE) && !state.isEmpty()) {
            diagnostics.add(PolicyDiagnostic.warning(label.apply(PolicyKey.STATE) + " is only used by engine 'signal'; ignored with engine '"
                    + engine.dslName() + "', which checkpoints the whole process"));
        }
        if (engine == Engine.SIGNAL) {
            if (forward.isEmpty()) forward = Optional.of(signal);   // the application handles the warning signal itself
        } else {
            forward = Optional.empty();
            state = List.of();
        }
        if (engine == Engine.NONE) interval = Optional.empty();
        CheckpointPolicy policy = new CheckpointPolicy(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime);
        return new Checked<>(Optional.of(policy), diagnostics);
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) { return (List<String>) o; }
}
