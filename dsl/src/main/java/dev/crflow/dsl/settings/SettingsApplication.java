package dev.crflow.dsl.settings;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.dsl.policy.PolicyKey;
import dev.crflow.dsl.policy.PolicyResolver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How site and user settings sit under a workflow's own values: the one place every front end (the crflow runner,
 * the Nextflow plugin, the Snakemake bridge) applies them, so a setting means the same everywhere (docs/settings.md).
 * <ul>
 * <li>{@code engine}: the engine of a step that declares checkpointing (a checkpoint block, a policy rule,
 * {@code ext.checkpoint}, {@code checkpoint_*} resources) without naming one; a step that declares nothing stays
 * without checkpoints. {@code grace}: the warning signal's lead of a step that sets none. Both enter the one policy
 * resolver as its lowest layer ({@link #policyLayer}, {@link #basePolicy}), so the workflow's values win key by key
 * and the usual checks (lead against time) see them.</li>
 * <li>{@code partition}, {@code account}, {@code qos}: a step's, when it sets none; {@code modules}: loaded before the
 * step's own ({@link #apply(Step, SiteSettings)}, on the resolved step).</li>
 * <li>{@code controlRoot}: where a front end puts its control directories when the run names none
 * ({@link #controlRoot}).</li>
 * </ul>
 */
public final class SettingsApplication {
    private SettingsApplication() {}

    /**
     * The settings as the lowest layer of a step's checkpoint policy (line 0: not from the workflow's file).
     *
     * @param declared the step declares checkpointing somewhere (then an engine it does not name is the settings')
     */
    public static Map<PolicyKey, PolicyResolver.Setting> policyLayer(SiteSettings s, boolean declared) {
        Map<PolicyKey, PolicyResolver.Setting> layer = new EnumMap<>(PolicyKey.class);
        if (declared) s.engine().ifPresent(e -> layer.put(PolicyKey.ENGINE, new PolicyResolver.Setting(e, 0)));
        s.grace().ifPresent(g -> layer.put(PolicyKey.LEAD, new PolicyResolver.Setting(g, 0)));
        return layer;
    }

    /**
     * The policy of the settings alone: the base under a front end's own values when no policy rule gives one
     * ({@link CheckpointPolicy#none()} without settings).
     */
    public static CheckpointPolicy basePolicy(SiteSettings s, boolean declared) {
        if (s.engine().isEmpty() && s.grace().isEmpty()) return CheckpointPolicy.none();
        return PolicyResolver.merge(List.of(policyLayer(s, declared)), PolicyKey::dslName).policy();
    }

    /** The workflow with {@link #apply(Step, SiteSettings)} on every step. */
    public static Workflow apply(Workflow wf, SiteSettings s) {
        if (s.isEmpty()) return wf;
        List<Step> steps = wf.steps().stream().map(st -> apply(st, s)).toList();
        return new Workflow(wf.name(), wf.sourceFile(), wf.baseDir(), wf.profile(), steps, wf.policy());
    }

    /**
     * A resolved step with the settings under it: partition, account and QOS where it sets none, the settings'
     * modules before its own. (Engine and grace are already in its policy: {@link #policyLayer}.)
     */
    public static Step apply(Step st, SiteSettings s) {
        if (s.isEmpty()) return st;
        // the prior of interval 'auto' travels in the step's spec: the coordinator reads no settings file
        var checkpoint = st.checkpoint().autoInterval() && st.checkpoint().interruptionRate().isEmpty()
                ? st.checkpoint().withInterruptionRate(s.interruptionRate()) : st.checkpoint();
        return new Step(st.name(), st.after(), st.command(), st.workdir(), resources(st.resources(), s), st.env(),
                modules(st.modules(), s), st.sbatchExtra(), checkpoint, st.container(), st.retry(), st.declaredAt());
    }

    /** Partition, account and QOS from the settings where {@code r} leaves them unset. */
    public static Resources resources(Resources r, SiteSettings s) {
        return new Resources(or(r.partition(), s.partition()), or(r.account(), s.account()), or(r.qos(), s.qos()),
                r.constraint(), r.time(), r.timeMin(), r.nodes(), r.ntasks(), r.cpusPerTask(), r.memMb());
    }

    /** The settings' modules first (how DMTCP or CRIU gets on PATH), then the step's own; each once. */
    public static List<String> modules(List<String> stepModules, SiteSettings s) {
        List<String> out = new ArrayList<>();
        for (String m : s.modules()) if (!stepModules.contains(m)) out.add(m);
        out.addAll(stepModules);
        return out;
    }

    /**
     * Where a front end keeps its control directories when the run names none: {@code <controlRoot>/<frontEnd>/
     * <anchor's name>-<hash of the anchor's absolute path>}, one directory per work directory (Nextflow's launch
     * directory, Snakemake's working directory, a crflow run's work directory), stable across runs so a resumed run
     * finds its images. Empty without {@code controlRoot}.
     */
    public static Optional<Path> controlRoot(SiteSettings s, Map<String, String> env, String frontEnd, Path anchor) {
        Path abs = anchor.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? "root" : abs.getFileName().toString().replaceAll("[^A-Za-z0-9._-]+", "_");
        return SettingsFiles.controlRoot(s, env).map(root -> root.resolve(frontEnd).resolve(name + "-" + hash8(abs.toString())));
    }

    private static String hash8(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> Optional<T> or(Optional<T> a, Optional<T> b) {
        return a.isPresent() ? a : b;
    }
}
