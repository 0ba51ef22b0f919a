package dev.crflow.dsl.policy;

import dev.crflow.dsl.model.AutoInterval;
import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.FromScratch;

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
 * The one checkpoint-policy resolver: the DSL (defaults, profile, step and policy-rule {@code checkpoint { }}
 * blocks), Nextflow's {@code ext.checkpoint} and Snakemake's {@code checkpoint_*} resources all end here.
 * {@code interval} is a duration or {@link AutoInterval#AUTO} ({@code 'auto'}); either replaces the other, key by key.
 * Layers are merged in order with the rules of docs/dsl.md §2:
 * <ul>
 *   <li>a key set in a later layer wins, key by key;</li>
 *   <li>switching to another engine drops the old engine's settings from earlier layers (forward and state
 *       unless the new engine is 'signal', interval when it is 'none');</li>
 *   <li>engine 'signal' forwards the warning signal unless told otherwise; other engines forward nothing; engines
 *       other than 'signal' and 'criu' keep no state files;</li>
 *   <li>interval without an engine is an error; forward or state for another engine than 'signal' a warning.</li>
 * </ul>
 * Diagnostics come back as data with the line of the setting they are about; the front end words the
 * location (FILE:LINE, the process, the rule) and decides how to fail.
 */
public final class PolicyResolver {
    private PolicyResolver() {}

    /**
     * One setting of one layer, already read ({@link PolicyValues#read}: Engine, Duration, String, Integer,
     * List of String).
     *
     * @param line where it was written (the DSL's line), 0 when the front end has no lines
     */
    public record Setting(Object value, int line) {}

    /**
     * @param policy     the merged policy, every default applied (also when there are errors: the DSL keeps
     *                   collecting problems)
     * @param given      the settings that were given and survived the merge, with their lines (for checks that
     *                   need more than the policy, such as the DSL's lead against the step's time)
     */
    public record Resolution(CheckpointPolicy policy, List<PolicyDiagnostic> diagnostics, Map<PolicyKey, Setting> given) {}

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
     * {@code base} (a policy rule's resolved checkpoint, or {@link CheckpointPolicy#none()}) with the front end's
     * raw {@code values} on top; fails on the first error, warnings travel with the policy.
     *
     * @param label how a key is named in messages ("ext.checkpoint lead", "resource checkpoint_lead")
     */
    public static Checked<CheckpointPolicy> overlay(CheckpointPolicy base, Map<PolicyKey, ?> values, Function<PolicyKey, String> label) {
        Map<PolicyKey, Setting> layer = new EnumMap<>(PolicyKey.class);
        List<PolicyDiagnostic> errors = new ArrayList<>();
        for (Map.Entry<PolicyKey, ?> e : values.entrySet()) {
            Checked<?> c = PolicyValues.read(e.getKey(), label.apply(e.getKey()), e.getValue());
            errors.addAll(c.diagnostics());
            c.value().ifPresent(v -> layer.put(e.getKey(), new Setting(v, 0)));
        }
        if (errors.stream().anyMatch(PolicyDiagnostic::isError)) return new Checked<>(Optional.empty(), errors);
        Resolution r = merge(List.of(layerOf(base), layer), label);
        List<PolicyDiagnostic> all = new ArrayList<>(errors);
        all.addAll(r.diagnostics());
        // the site's prior is no setting of a layer: it stays with the base while the interval stays 'auto'
        CheckpointPolicy policy = r.policy().autoInterval() ? r.policy().withInterruptionRate(base.interruptionRate()) : r.policy();
        return new Checked<>(all.stream().anyMatch(PolicyDiagnostic::isError) ? Optional.empty() : Optional.of(policy), all);
    }

    /** A resolved policy as a layer that sets every key it has. */
    public static Map<PolicyKey, Setting> layerOf(CheckpointPolicy p) {
        Map<PolicyKey, Setting> l = new EnumMap<>(PolicyKey.class);
        l.put(PolicyKey.ENGINE, new Setting(p.engine(), 0));
        p.interval().ifPresent(v -> l.put(PolicyKey.INTERVAL, new Setting(v, 0)));
        if (p.autoInterval()) l.put(PolicyKey.INTERVAL, new Setting(AutoInterval.AUTO, 0));
        l.put(PolicyKey.SIGNAL, new Setting(p.signal(), 0));
        l.put(PolicyKey.LEAD, new Setting(p.lead(), 0));
        p.forward().ifPresent(v -> l.put(PolicyKey.FORWARD, new Setting(v, 0)));
        if (!p.state().isEmpty()) l.put(PolicyKey.STATE, new Setting(p.state(), 0));
        l.put(PolicyKey.KEEP, new Setting(p.keep(), 0));
        l.put(PolicyKey.MAX_RESTARTS, new Setting(p.maxRestarts(), 0));
        p.totalTime().ifPresent(v -> l.put(PolicyKey.TOTAL_TIME, new Setting(v, 0)));
        l.put(PolicyKey.ON_CANCEL, new Setting(p.onCancel(), 0));
        l.put(PolicyKey.INCREMENTAL, new Setting(p.incremental(), 0));
        // an engine's default is not a choice: a later layer's other engine gets its own default
        if (p.compress() != CheckpointPolicy.packsByDefault(p.engine())) l.put(PolicyKey.COMPRESS, new Setting(p.compress(), 0));
        if (p.dedup() != CheckpointPolicy.packsByDefault(p.engine())) l.put(PolicyKey.DEDUP, new Setting(p.dedup(), 0));
        if (p.fromScratch() != FromScratch.REFUSE) l.put(PolicyKey.FROM_SCRATCH, new Setting(p.fromScratch(), 0));
        return l;
    }

    /** Merges layers (first = most general) into one policy with crflow's defaults for what no layer sets. */
    public static Resolution merge(List<Map<PolicyKey, Setting>> layers, Function<PolicyKey, String> label) {
        Map<PolicyKey, Setting> given = new EnumMap<>(PolicyKey.class);
        for (Map<PolicyKey, Setting> layer : layers) {
            Setting engine = layer.get(PolicyKey.ENGINE);
            if (engine != null) {
                // settings inherited for another engine do not carry over to this one
                if (engine.value() != Engine.SIGNAL) { given.remove(PolicyKey.FORWARD); given.remove(PolicyKey.STATE); }
                if (engine.value() == Engine.NONE) given.remove(PolicyKey.INTERVAL);
            }
            given.putAll(layer);
        }
        Engine e = (Engine) value(given, PolicyKey.ENGINE).orElse(Engine.NONE);
        List<PolicyDiagnostic> diagnostics = new ArrayList<>();
        Setting interval = given.get(PolicyKey.INTERVAL);
        Setting forward = given.get(PolicyKey.FORWARD);
        Setting state = given.get(PolicyKey.STATE);
        if (e == Engine.NONE && interval != null) {
            diagnostics.add(PolicyDiagnostic.error(label.apply(PolicyKey.INTERVAL) + " has no effect without a checkpoint engine",
                    "add engine " + PolicyDiagnostic.orList(java.util.Arrays.stream(Engine.values()).filter(x -> x != Engine.NONE)
                            .map(x -> "'" + x.dslName() + "'").toList())).at(interval.line()));
        }
        if (e != Engine.SIGNAL && forward != null) {
            diagnostics.add(PolicyDiagnostic.warning(label.apply(PolicyKey.FORWARD) + " is only used by engine 'signal'; ignored with engine '"
                    + e.dslName() + "'").at(forward.line()));
        }
        if (!e.keepsStateFiles() && state != null && !strings(state).isEmpty()) {
            diagnostics.add(PolicyDiagnostic.warning(label.apply(PolicyKey.STATE) + " is only used by engines " + Engine.stateFileEngines()
                    + "; ignored with engine '" + e.dslName() + "'").at(state.line()));
        }
        for (PolicyKey k : List.of(PolicyKey.COMPRESS, PolicyKey.DEDUP)) {
            Setting s = given.get(k);
            if (e == Engine.NONE && s != null && Boolean.TRUE.equals(s.value())) {
                diagnostics.add(PolicyDiagnostic.warning(label.apply(k) + " has no effect without a checkpoint engine: there are no images")
                        .at(s.line()));
            }
        }
        List<String> stateList = !e.keepsStateFiles() || state == null ? List.of() : strings(state).stream().distinct().toList();
        FromScratch fromScratch = fromScratch(given, e, stateList, label, diagnostics);
        String signal = (String) value(given, PolicyKey.SIGNAL).orElse(CheckpointPolicy.DEFAULT_SIGNAL);
        Optional<String> fwd = e != Engine.SIGNAL ? Optional.empty()
                : Optional.of(forward == null ? signal : (String) forward.value());   // the application handles the warning signal itself
        Optional<Object> intervalValue = e == Engine.NONE ? Optional.empty() : value(given, PolicyKey.INTERVAL);
        CheckpointPolicy policy = new CheckpointPolicy(e,
                intervalValue.filter(Duration.class::isInstance).map(Duration.class::cast),
                signal,
                (Duration) value(given, PolicyKey.LEAD).orElse(CheckpointPolicy.DEFAULT_LEAD),
                fwd, stateList,
                (Integer) value(given, PolicyKey.KEEP).orElse(CheckpointPolicy.DEFAULT_KEEP),
                (Integer) value(given, PolicyKey.MAX_RESTARTS).orElse(CheckpointPolicy.DEFAULT_MAX_RESTARTS),
                value(given, PolicyKey.TOTAL_TIME).map(Duration.class::cast),
                (dev.crflow.dsl.model.OnCancel) value(given, PolicyKey.ON_CANCEL).orElse(dev.crflow.dsl.model.OnCancel.CHECKPOINT),
                intervalValue.filter(AutoInterval.AUTO::equals).isPresent(), Optional.empty(),
                (Boolean) value(given, PolicyKey.INCREMENTAL).orElse(true),
                e != Engine.NONE && (Boolean) value(given, PolicyKey.COMPRESS).orElse(CheckpointPolicy.packsByDefault(e)),
                e != Engine.NONE && (Boolean) value(given, PolicyKey.DEDUP).orElse(CheckpointPolicy.packsByDefault(e)),
                fromScratch);
        return new Resolution(policy, diagnostics, given);
    }

    /** The words of the warning for {@code fromScratch 'allow'} without declared state files (a bridge that adds its
     *  declared outputs to the state afterwards leaves it out). */
    public static final String ALLOW_WITHOUT_STATE = " 'allow' without declared state files";

    /**
     * {@code fromScratch}: meaningless without a checkpoint engine (nothing is ever restored: a warning, and 'refuse'),
     * and 'allow' without declared state files cannot put back what the application wrote (a warning).
     */
    private static FromScratch fromScratch(Map<PolicyKey, Setting> given, Engine e, List<String> state,
                                           Function<PolicyKey, String> label, List<PolicyDiagnostic> diagnostics) {
        Setting s = given.get(PolicyKey.FROM_SCRATCH);
        if (s == null) return FromScratch.REFUSE;
        if (e == Engine.NONE) {
            diagnostics.add(PolicyDiagnostic.warning(label.apply(PolicyKey.FROM_SCRATCH) + " has no effect without a checkpoint"
                    + " engine: every attempt starts from scratch anyway").at(s.line()));
            return FromScratch.REFUSE;
        }
        if (s.value() == FromScratch.ALLOW && state.isEmpty()) {
            diagnostics.add(PolicyDiagnostic.warning(label.apply(PolicyKey.FROM_SCRATCH) + ALLOW_WITHOUT_STATE
                    + ": a start over cannot put back what the application wrote, so outputs not declared with state may be"
                    + " duplicated").at(s.line()));
        }
        return (FromScratch) s.value();
    }

    private static Optional<Object> value(Map<PolicyKey, Setting> given, PolicyKey k) {
        return Optional.ofNullable(given.get(k)).map(Setting::value);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Setting s) { return (List<String>) s.value(); }
}
