package dev.crflow.snakemake;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import dev.crflow.dsl.policy.Checked;
import dev.crflow.dsl.policy.PolicyDiagnostic;
import dev.crflow.dsl.policy.PolicyKey;
import dev.crflow.dsl.policy.PolicyResolver;
import dev.crflow.dsl.policy.PolicyValues;
import dev.crflow.dsl.settings.SettingsApplication;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one Snakemake job into a resolved crflow {@link Step}: the policy rule whose {@code match} glob fits the
 * rule (or group) name first, then the job's Snakemake resources on top (a resource set on the rule wins over
 * the policy file, as a directive on a process wins over a config selector in Nextflow).
 *
 * <p>Resources read (docs/snakemake.md has the table): {@code runtime} (minutes, Snakemake's own unit, or a
 * duration string), {@code mem_mb}, {@code cpus_per_task} (else {@code threads}), {@code nodes}, {@code tasks},
 * {@code slurm_partition}, {@code slurm_account}, {@code slurm_qos}, {@code constraint}; and one
 * {@code checkpoint_*} resource per {@link PolicyKey} ({@link PolicyKey#resourceName()}), read by the DSL's
 * {@link PolicyResolver}: durations need a unit ('90s', '15m'), state is paths separated by commas or spaces.
 */
public final class RuleSettings {
    public static final List<String> CHECKPOINT_RESOURCES = java.util.Arrays.stream(PolicyKey.values())
            .map(PolicyKey::resourceName).toList();

    private RuleSettings() {}

    /** The first policy rule matching the job: its group id or rule name, then (groups) any of its rules. */
    public static Optional<PolicyRule> policyFor(List<PolicyRule> policy, JobProperties job) {
        for (PolicyRule r : policy) {
            if (r.matches(job.name())) return Optional.of(r);
        }
        for (PolicyRule r : policy) {
            for (String rule : job.rules()) if (r.matches(rule)) return Optional.of(r);
        }
        return Optional.empty();
    }

    /**
     * @param stepName  the step's name (the job's key: rule, wildcards, a hash)
     * @param workdir   Snakemake's working directory: the step runs there and {@code state} is relative to it
     * @param command   what the coordinator runs (the job's wrapper), given the resolved checkpoint policy
     */
    public static Step resolve(JobProperties job, Optional<PolicyRule> rule, String stepName, Path workdir,
                               java.util.function.Function<CheckpointPolicy, StepCommand> command, Optional<Path> policyFile) {
        return resolve(job, rule, stepName, workdir, command, policyFile, SiteSettings.empty());
    }

    /**
     * @param settings site and user settings (docs/settings.md): under the policy rule (loaded with them) and the
     *                 job's resources; without a rule's checkpoint block, their engine when {@code checkpoint_*}
     *                 resources name none and their grace as the lead; partition/account/QOS and modules on the step
     */
    public static Step resolve(JobProperties job, Optional<PolicyRule> rule, String stepName, Path workdir,
                               java.util.function.Function<CheckpointPolicy, StepCommand> command, Optional<Path> policyFile,
                               SiteSettings settings) {
        boolean declared = job.resources().keySet().stream().anyMatch(k -> k.startsWith("checkpoint_"));
        CheckpointPolicy cp = checkpoint(job, rule.flatMap(PolicyRule::checkpoint)
                .orElseGet(() -> SettingsApplication.basePolicy(settings, declared)));
        Resources res = SettingsApplication.resources(resources(job), settings);
        if (res.time().isPresent() && cp.engine() != Engine.NONE && cp.lead().compareTo(res.time().get()) >= 0) {
            throw new JobscriptException("rule '" + job.name() + "': the checkpoint lead (" + cp.lead().toSeconds()
                    + " s) must be shorter than its runtime (" + res.time().get().toSeconds()
                    + " s): set a shorter lead (resources: checkpoint_lead=\"30s\") or a longer runtime");
        }
        SourceLocation at = rule.map(PolicyRule::declaredAt)
                .orElse(new SourceLocation(policyFile.map(Path::toString).orElse("snakemake rule " + job.name()), 0));
        return new Step(stepName, List.of(), command.apply(cp), workdir.toString(), res, Map.of(),
                SettingsApplication.modules(List.of(), settings), List.of(), cp,
                rule.flatMap(PolicyRule::container), rule.flatMap(PolicyRule::retry).orElse(0), at);
    }

    static Resources resources(JobProperties job) {
        Resources d = Resources.defaults();
        // runtime is Snakemake's own standard resource, in minutes: a Slurm time limit, not an ambiguous number
        Optional<Duration> time = job.resource("runtime").map(v -> read(PolicyValues.slurmTime("resource runtime", v)))
                .or(() -> job.resource("time_min").map(v -> read(PolicyValues.slurmTime("resource time_min", v))));
        Optional<Long> mem = job.resource("mem_mb").map(v -> (long) read(PolicyValues.count("resource mem_mb", v, 1)));
        int cpus = job.resource("cpus_per_task").map(v -> read(PolicyValues.count("resource cpus_per_task", v, 1)))
                .orElse(Math.max(1, job.threads()));
        int nodes = job.resource("nodes").map(v -> read(PolicyValues.count("resource nodes", v, 1))).orElse(d.nodes());
        int tasks = job.resource("tasks").map(v -> read(PolicyValues.count("resource tasks", v, 1))).orElse(d.ntasks());
        return new Resources(text(job, "slurm_partition"), text(job, "slurm_account"), text(job, "slurm_qos"),
                text(job, "constraint"), time, Optional.empty(), nodes, tasks, cpus, mem);
    }

    /**
     * The DSL's resolver on the job's {@code checkpoint_*} resources: the same units, messages and layering as a
     * policy file; a bare number for a duration is refused (docs/dsl.md, "Values").
     */
    static CheckpointPolicy checkpoint(JobProperties job, CheckpointPolicy base) {
        Map<String, Object> given = new LinkedHashMap<>();
        job.resources().forEach((k, v) -> { if (k.startsWith("checkpoint_")) given.put(k, v); });
        Map<PolicyKey, Object> keys = read(PolicyResolver.keys(given, PolicyKey::resourceName, List.of(), "resource"));
        Checked<CheckpointPolicy> checked = PolicyResolver.overlay(base, keys, k -> "resource " + k.resourceName());
        CheckpointPolicy cp = read(checked);
        // engine 'signal' adds the declared outputs to the state below: fromScratch 'allow' then has declared state
        boolean outputsAreState = cp.engine() == Engine.SIGNAL && !concat(job.output(), job.log()).isEmpty();
        for (PolicyDiagnostic d : checked.diagnostics()) {
            if (outputsAreState && d.text().contains(PolicyResolver.ALLOW_WITHOUT_STATE)) continue;
            if (!d.isError()) System.err.println("crflow: warning: rule '" + job.name() + "': " + d.text());
        }
        if (cp.engine() != Engine.SIGNAL) return cp;
        // The declared outputs (and logs) are part of the state: they and the application's own state
        // files are saved and restored together (docs/snakemake.md, "Requeue and declared outputs").
        Set<String> all = new LinkedHashSet<>();
        for (String st : cp.state()) if (!st.isBlank()) all.add(st);
        for (String f : concat(job.output(), job.log())) {
            if (Path.of(f).isAbsolute() || Path.of(f).normalize().startsWith("..")) {
                throw new JobscriptException("rule '" + job.name() + "': declared file '" + f
                        + "' is outside Snakemake's working directory; engine 'signal' can only keep files inside it");
            }
            all.add(Path.of(f).normalize().toString());
        }
        return cp.withState(new ArrayList<>(all));
    }

    /** The value, or the bridge's error: the message, what to write, and the accepted words when there is a list. */
    private static <T> T read(Checked<T> c) {
        return c.orElseThrow(d -> new JobscriptException(d.text()
                + (d.known().isEmpty() ? "" : " (" + PolicyDiagnostic.orList(d.known()) + ")")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Optional<String> text(JobProperties job, String key) {
        return job.resource(key).map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty());
    }
}
