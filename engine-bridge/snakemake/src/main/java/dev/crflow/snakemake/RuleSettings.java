package dev.crflow.snakemake;

import dev.crflow.dsl.internal.Durations;
import dev.crflow.dsl.internal.Parsed;
import dev.crflow.dsl.internal.Signals;
import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one Snakemake job into a resolved crflow {@link Step}: the policy rule whose {@code match} glob fits the
 * rule (or group) name first, then the job's Snakemake resources on top (a resource set on the rule wins over
 * the policy file, as a directive on a process wins over a config selector in Nextflow).
 *
 * <p>Resources read (docs/snakemake.md has the table): {@code runtime} (minutes, or a duration string),
 * {@code mem_mb}, {@code cpus_per_task} (else {@code threads}), {@code nodes}, {@code tasks},
 * {@code slurm_partition}, {@code slurm_account}, {@code slurm_qos}, {@code constraint};
 * {@code checkpoint_engine}, {@code checkpoint_interval} (number = minutes), {@code checkpoint_signal},
 * {@code checkpoint_lead} (number = seconds, as in Slurm's --signal), {@code checkpoint_forward},
 * {@code checkpoint_state} (paths separated by commas or spaces), {@code checkpoint_keep},
 * {@code checkpoint_max_restarts}, {@code checkpoint_total_time} (number = minutes).
 */
public final class RuleSettings {
    public static final List<String> CHECKPOINT_RESOURCES = List.of("checkpoint_engine", "checkpoint_interval",
            "checkpoint_signal", "checkpoint_lead", "checkpoint_forward", "checkpoint_state", "checkpoint_keep",
            "checkpoint_max_restarts", "checkpoint_total_time");

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
        CheckpointPolicy cp = checkpoint(job, rule.flatMap(PolicyRule::checkpoint).orElse(CheckpointPolicy.none()));
        Resources res = resources(job);
        if (res.time().isPresent() && cp.engine() != Engine.NONE && cp.lead().compareTo(res.time().get()) >= 0) {
            throw new JobscriptException("rule '" + job.name() + "': the checkpoint lead (" + cp.lead().toSeconds()
                    + " s) must be shorter than its runtime (" + res.time().get().toSeconds()
                    + " s): set resources checkpoint_lead=… (seconds) or a longer runtime");
        }
        SourceLocation at = rule.map(PolicyRule::declaredAt)
                .orElse(new SourceLocation(policyFile.map(Path::toString).orElse("snakemake rule " + job.name()), 0));
        return new Step(stepName, List.of(), command.apply(cp), workdir.toString(), res, Map.of(), List.of(), List.of(), cp,
                rule.flatMap(PolicyRule::container), rule.flatMap(PolicyRule::retry).orElse(0), at);
    }

    static Resources resources(JobProperties job) {
        Resources d = Resources.defaults();
        Optional<Duration> time = job.resource("runtime").map(v -> duration("runtime", v, true))
                .or(() -> job.resource("time_min").map(v -> duration("time_min", v, true)));
        Optional<Long> mem = job.resource("mem_mb").map(v -> positive("mem_mb", v));
        int cpus = job.resource("cpus_per_task").map(v -> (int) positive("cpus_per_task", v)).orElse(Math.max(1, job.threads()));
        int nodes = job.resource("nodes").map(v -> (int) positive("nodes", v)).orElse(d.nodes());
        int tasks = job.resource("tasks").map(v -> (int) positive("tasks", v)).orElse(d.ntasks());
        return new Resources(text(job, "slurm_partition"), text(job, "slurm_account"), text(job, "slurm_qos"),
                text(job, "constraint"), time, Optional.empty(), nodes, tasks, cpus, mem);
    }

    static CheckpointPolicy checkpoint(JobProperties job, CheckpointPolicy base) {
        Engine engine = job.resource("checkpoint_engine").map(v -> engine(String.valueOf(v))).orElse(base.engine());
        Optional<Duration> interval = job.resource("checkpoint_interval")
                .map(v -> Optional.of(duration("checkpoint_interval", v, true))).orElse(base.interval());
        String signal = job.resource("checkpoint_signal").map(v -> signal("checkpoint_signal", v)).orElse(base.signal());
        Duration lead = job.resource("checkpoint_lead").map(v -> v instanceof Number n ? Duration.ofSeconds(n.longValue())
                : duration("checkpoint_lead", v, false)).orElse(base.lead());
        Optional<String> forward = job.resource("checkpoint_forward").map(v -> signal("checkpoint_forward", v)).or(base::forward);
        List<String> state = job.resource("checkpoint_state").map(v -> List.of(String.valueOf(v).trim().split("[,\\s]+")))
                .orElse(base.state());
        int keep = job.resource("checkpoint_keep").map(v -> (int) positive("checkpoint_keep", v)).orElse(base.keep());
        int maxRestarts = job.resource("checkpoint_max_restarts").map(v -> (int) nonNegative("checkpoint_max_restarts", v))
                .orElse(base.maxRestarts());
        Optional<Duration> total = job.resource("checkpoint_total_time")
                .map(v -> Optional.of(duration("checkpoint_total_time", v, true))).orElse(base.totalTime());
        if (engine == Engine.SIGNAL) {
            if (forward.isEmpty()) forward = Optional.of(signal);
            // The declared outputs (and logs) are part of the state: they and the application's own state
            // files are saved and restored together (docs/snakemake.md, "Requeue and declared outputs").
            Set<String> all = new LinkedHashSet<>();
            for (String s : state) if (!s.isBlank()) all.add(s);
            for (String f : concat(job.output(), job.log())) {
                if (Path.of(f).isAbsolute() || Path.of(f).normalize().startsWith("..")) {
                    throw new JobscriptException("rule '" + job.name() + "': declared file '" + f
                            + "' is outside Snakemake's working directory; engine 'signal' can only keep files inside it");
                }
                all.add(Path.of(f).normalize().toString());
            }
            state = new ArrayList<>(all);
        } else if (engine != Engine.SIGNAL) {
            forward = Optional.empty();
        }
        return new CheckpointPolicy(engine, interval, signal, lead, forward, state, keep, maxRestarts, total);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Engine engine(String raw) {
        try {
            return Engine.valueOf(raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new JobscriptException("resource checkpoint_engine='" + raw + "' is not an engine: use dmtcp, criu, signal or none");
        }
    }

    private static String signal(String name, Object v) {
        Parsed<String> p = Signals.canonical(v);
        if (!p.isOk()) throw new JobscriptException("resource " + name + "='" + v + "' " + p.error() + " (e.g. USR1)");
        if (Signals.untrappable(p.value())) throw new JobscriptException("resource " + name + "=" + v + " cannot be caught: use e.g. USR1");
        return p.value();
    }

    private static Duration duration(String name, Object v, boolean numberIsMinutes) {
        if (v instanceof Number n) {
            if (n.doubleValue() <= 0) throw new JobscriptException("resource " + name + "=" + v + " must be positive");
            return numberIsMinutes ? Duration.ofSeconds(Math.round(n.doubleValue() * 60)) : Duration.ofSeconds(n.longValue());
        }
        Parsed<Duration> p = Durations.parse(String.valueOf(v), numberIsMinutes);
        if (!p.isOk()) throw new JobscriptException("resource " + name + "='" + v + "' " + p.error() + ": " + Durations.FORMS);
        if (p.value().isZero()) throw new JobscriptException("resource " + name + "='" + v + "' must be positive");
        return p.value();
    }

    private static long positive(String name, Object v) {
        long n = nonNegative(name, v);
        if (n == 0) throw new JobscriptException("resource " + name + "=" + v + " must be at least 1");
        return n;
    }

    private static long nonNegative(String name, Object v) {
        try {
            long n = v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v).trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new JobscriptException("resource " + name + "='" + v + "' is not a whole number >= 0");
        }
    }

    private static Optional<String> text(JobProperties job, String key) {
        return job.resource(key).map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty());
    }
}
