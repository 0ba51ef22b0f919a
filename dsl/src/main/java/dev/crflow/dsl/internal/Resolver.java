package dev.crflow.dsl.internal;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.ContainerSpec;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.dsl.settings.SettingsApplication;
import dev.crflow.dsl.policy.PolicyDiagnostic;
import dev.crflow.dsl.policy.PolicyKey;
import dev.crflow.dsl.policy.PolicyResolver;
import dev.crflow.dsl.policy.Suggest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns what the script declared into the resolved model: defaults, then the chosen profile's defaults,
 * then the step (later wins; env merged by name, modules/sbatch/mounts appended). Checks that need the
 * effective values (lead vs time, engine-specific settings) and the whole graph (after, cycles) live here.
 * Linear in the number of steps and dependencies.
 */
final class Resolver {
    private final DslSession session;
    private final Path baseDir;
    private final String baseName;
    private final Optional<String> profileName;
    private final DslCompiler.Mode mode;
    /** Site and user settings: the lowest layer of every checkpoint policy (engine, grace). */
    private final SiteSettings settings;
    /** Findings on values shared by many steps (e.g. set in defaults) are reported once, naming the steps. */
    private final Map<Finding, List<String>> findings = new LinkedHashMap<>();

    private record Finding(int line, boolean error, String message) {}

    Resolver(DslSession session, Path baseDir, String baseName, Optional<String> profile, DslCompiler.Mode mode) {
        this(session, baseDir, baseName, profile, mode, SiteSettings.empty());
    }

    Resolver(DslSession session, Path baseDir, String baseName, Optional<String> profile, DslCompiler.Mode mode,
             SiteSettings settings) {
        this.settings = settings;
        this.session = session;
        this.baseDir = baseDir;
        this.baseName = baseName;
        this.profileName = profile;
        this.mode = mode;
    }

    Workflow resolve() {
        boolean clean = session.diagnostics().stream().noneMatch(d -> d.isError());
        Specs.WorkflowDecl wf = session.workflow;
        if (mode == DslCompiler.Mode.WORKFLOW && wf == null && clean) {
            session.error(0, "no workflow('name') { … } block in this file");
        }
        if (mode == DslCompiler.Mode.ANY && wf == null && session.policyBlocks == 0 && clean) {
            session.error(0, "no workflow('name') { … } or policy { … } block in this file");
        }
        if (mode == DslCompiler.Mode.POLICY && session.policyBlocks == 0 && clean) {
            session.error(0, "no policy { match('glob') { … } } block in this file");
        }
        if (wf != null && wf.steps.isEmpty() && clean) session.warning(wf.line, "workflow '" + wf.name + "' has no steps");
        if (session.policyBlocks > 0 && session.rules.isEmpty() && clean) {
            session.warning(session.firstPolicyLine, "policy block without match('glob') { … } rules: it applies to nothing");
        }
        List<Step> steps = wf == null ? List.of() : steps(wf);
        List<PolicyRule> rules = rules();
        flushFindings();
        String name = wf != null ? wf.name : baseName.replaceFirst("\\.[^.]*$", "");
        return new Workflow(name, baseDir.resolve(baseName).toString(), baseDir.toString(),
                profileName, steps, rules);
    }

    // ---- steps --------------------------------------------------------------------------------

    private List<Step> steps(Specs.WorkflowDecl wf) {
        List<Specs.Settings> base = new ArrayList<>();
        base.add(wf.defaults);
        Map<String, Specs.ProfileDecl> profiles = new LinkedHashMap<>();
        for (Specs.ProfileDecl p : wf.profiles) {
            Specs.ProfileDecl first = profiles.putIfAbsent(p.name, p);
            if (first != null) session.error(p.line, "duplicate profile '" + p.name + "' (first declared on line " + first.line + ")");
        }
        if (profileName.isPresent()) {
            Specs.ProfileDecl chosen = profiles.get(profileName.get());
            if (chosen == null) {
                String known = profiles.isEmpty() ? "this workflow declares no profiles"
                        : "known profiles: " + String.join(", ", profiles.keySet());
                session.error(wf.line, "unknown profile '" + profileName.get() + "' (" + known + ")");
            } else {
                base.add(chosen.defaults);
            }
        }
        Map<String, Specs.StepDecl> byName = new HashMap<>();
        List<Specs.StepDecl> unique = new ArrayList<>();
        for (Specs.StepDecl s : wf.steps) {
            Specs.StepDecl first = byName.putIfAbsent(s.name, s);
            if (first != null) session.error(s.line, "duplicate step '" + s.name + "' (first declared on line " + first.line + ")");
            else unique.add(s);
        }
        List<Step> out = new ArrayList<>(unique.size());
        for (Specs.StepDecl s : unique) {
            List<Specs.Settings> layers = new ArrayList<>(base);
            layers.add(s);
            out.add(step(s, layers));
        }
        checkGraph(unique, byName);
        return out;
    }

    private Step step(Specs.StepDecl s, List<Specs.Settings> layers) {
        StepCommand command = null;
        if (s.command == null && s.script == null) {
            if (!s.hadErrors) session.error(s.line, "step '" + s.name + "' has no command: add command '…' or script '''…'''");
        } else if (s.command != null && s.script != null) {
            session.error(s.script.line(), "step '" + s.name + "' has both command (line " + s.command.line() + ") and script: keep one");
        } else {
            command = s.command != null ? new StepCommand(StepCommand.Kind.COMMAND, s.command.value())
                    : new StepCommand(StepCommand.Kind.SCRIPT, s.script.value());
        }
        Located<Duration> time = last(layers, x -> x.time);
        Located<Duration> timeMin = last(layers, x -> x.timeMin);
        if (time != null && timeMin != null && timeMin.value().compareTo(time.value()) > 0) {
            find(timeMin.line(), true, "timeMin " + fmt(timeMin.value()) + " is longer than time " + fmt(time.value()), s.name);
        }
        Located<Long> mem = last(layers, x -> x.memMb);
        Resources resources = new Resources(
                value(last(layers, x -> x.partition)), value(last(layers, x -> x.account)),
                value(last(layers, x -> x.qos)), value(last(layers, x -> x.constraint)),
                value(time), value(timeMin),
                orDefault(last(layers, x -> x.nodes), 1), orDefault(last(layers, x -> x.ntasks), 1),
                orDefault(last(layers, x -> x.cpusPerTask), 1), value(mem));

        Located<String> workdir = last(layers, x -> x.workdir);
        String dir = workdir == null ? baseDir.toString() : baseDir.resolve(workdir.value()).normalize().toString();

        Map<String, String> env = new LinkedHashMap<>();
        Set<String> modules = new LinkedHashSet<>();
        Set<String> sbatch = new LinkedHashSet<>();
        Located<String> memPer = null;
        for (Specs.Settings l : layers) {
            l.env.forEach((k, v) -> env.put(k, v.value()));
            l.modules.forEach(m -> modules.add(m.value()));
            for (Located<String> o : l.sbatch) {
                sbatch.add(o.value());
                if (o.value().startsWith("--mem-per-cpu") || o.value().startsWith("--mem-per-gpu")) memPer = o;
            }
        }
        if (memPer != null && mem != null) {
            find(memPer.line(), true, "sbatch '" + memPer.value() + "' conflicts with mem " + Memory.format(mem.value())
                    + " (line " + mem.line() + "): Slurm accepts only one of --mem, --mem-per-cpu and --mem-per-gpu", s.name);
        }

        List<Specs.CheckpointDecl> cps = new ArrayList<>();
        List<Specs.ContainerDecl> cts = new ArrayList<>();
        for (Specs.Settings l : layers) {
            if (l.checkpoint != null) cps.add(l.checkpoint);
            if (l.container != null) cts.add(l.container);
        }
        Optional<ContainerSpec> container = container(cts, s.name);
        CheckpointPolicy checkpoint = checkpoint(cps, time, timeMin, s.name, container.isPresent());
        int retry = orDefault(last(layers, x -> x.retry), 0);

        List<String> after = s.after.stream().map(Located::value).distinct().toList();
        return new Step(s.name, after, command, dir, resources, env, List.copyOf(modules), List.copyOf(sbatch),
                checkpoint, container, retry, new SourceLocation(session.file(), s.line));
    }

    private CheckpointPolicy checkpoint(List<Specs.CheckpointDecl> layers, Located<Duration> time,
                                        Located<Duration> timeMin, String step, boolean contained) {
        // the one resolver (dev.crflow.dsl.policy) merges the layers; only the checks against the step's time live here
        List<Map<PolicyKey, PolicyResolver.Setting>> settings = new ArrayList<>();
        // the site/user settings under everything the file says (an engine only for a step that declares checkpoints)
        settings.add(SettingsApplication.policyLayer(this.settings, !layers.isEmpty()));
        for (Specs.CheckpointDecl c : layers) settings.add(settings(c));
        PolicyResolver.Resolution r = PolicyResolver.merge(settings, PolicyKey::dslName);
        for (PolicyDiagnostic d : r.diagnostics()) find(d.line(), d.isError(), d.text(), step);
        CheckpointPolicy p = r.policy();
        Map<PolicyKey, PolicyResolver.Setting> given = r.given();
        PolicyResolver.Setting engine = given.get(PolicyKey.ENGINE), lead = given.get(PolicyKey.LEAD);
        PolicyResolver.Setting interval = given.get(PolicyKey.INTERVAL), totalTime = given.get(PolicyKey.TOTAL_TIME);
        if (contained && p.engine() == Engine.DMTCP && !p.state().isEmpty()) {
            // DMTCP then runs inside the container, checkpointed through the shim: no checkpoint-and-kill copy there yet
            find(given.get(PolicyKey.STATE).line(), false, "state is not kept by engine 'dmtcp' inside a container; ignored", step);
            p = p.withState(List.of());
            if (p.fromScratch() == dev.crflow.dsl.model.FromScratch.ALLOW) {
                find(given.get(PolicyKey.FROM_SCRATCH).line(), false, "fromScratch" + PolicyResolver.ALLOW_WITHOUT_STATE
                        + " kept (engine 'dmtcp' inside a container): a start over may duplicate the application's outputs", step);
            }
        }
        if (p.engine() == Engine.SIGNAL && p.state().isEmpty() && engine != null && engine.line() > 0) {
            find(engine.line(), false, "engine 'signal' without state: no files are kept as a checkpoint generation;"
                    + " name the files your application writes (state 'checkpoint.dat')", step);
        }
        if (time != null && step != null) {
            Duration leadValue = p.lead();
            if (lead != null && lead.line() == 0) lead = null; // the settings' grace: no line of this file
            String what = lead == null ? "the warning signal's lead (" + (this.settings.grace().isPresent() ? "grace "
                    + fmt(leadValue) + " from the settings" : "default " + fmt(leadValue)) + ")" : "signal lead " + fmt(leadValue);
            int at = lead == null ? time.line() : lead.line();
            if (leadValue.compareTo(time.value()) >= 0) {
                find(at, true, what + " is not shorter than time " + fmt(time.value())
                        + ": give a longer time or a shorter lead (checkpoint { signal '" + p.signal() + "', lead: '30s' })", step);
            } else if (timeMin != null && leadValue.compareTo(timeMin.value()) >= 0) {
                find(lead == null ? timeMin.line() : lead.line(), true, what + " is not shorter than timeMin " + fmt(timeMin.value()), step);
            }
            if (interval != null && interval.value() instanceof Duration && ((Duration) interval.value()).compareTo(time.value()) >= 0) {
                find(interval.line(), false, "interval " + fmt((Duration) interval.value()) + " is not shorter than time " + fmt(time.value())
                        + ": only the warning signal will trigger a checkpoint", step);
            }
            if (totalTime != null && ((Duration) totalTime.value()).compareTo(time.value()) < 0) {
                find(totalTime.line(), false, "totalTime " + fmt((Duration) totalTime.value()) + " is shorter than time " + fmt(time.value())
                        + ": the budget ends the first attempt early", step);
            }
        }
        return p;
    }

    /** One checkpoint { } block as a layer of the policy resolver, each setting with its line. */
    private static Map<PolicyKey, PolicyResolver.Setting> settings(Specs.CheckpointDecl c) {
        Map<PolicyKey, PolicyResolver.Setting> l = new java.util.EnumMap<>(PolicyKey.class);
        put(l, PolicyKey.ENGINE, c.engine);
        put(l, PolicyKey.INTERVAL, c.interval);
        put(l, PolicyKey.SIGNAL, c.signal);
        put(l, PolicyKey.LEAD, c.lead);
        put(l, PolicyKey.FORWARD, c.forward);
        if (c.state != null) {
            l.put(PolicyKey.STATE, new PolicyResolver.Setting(c.state.stream().map(Located::value).toList(),
                    c.state.isEmpty() ? c.line : c.state.get(0).line()));
        }
        put(l, PolicyKey.KEEP, c.keep);
        put(l, PolicyKey.MAX_RESTARTS, c.maxRestarts);
        put(l, PolicyKey.TOTAL_TIME, c.totalTime);
        put(l, PolicyKey.ON_CANCEL, c.onCancel);
        put(l, PolicyKey.FROM_SCRATCH, c.fromScratch);
        put(l, PolicyKey.INCREMENTAL, c.incremental);
        put(l, PolicyKey.COMPRESS, c.compress);
        put(l, PolicyKey.DEDUP, c.dedup);
        return l;
    }

    private static void put(Map<PolicyKey, PolicyResolver.Setting> l, PolicyKey k, Located<?> v) {
        if (v != null) l.put(k, new PolicyResolver.Setting(v.value(), v.line()));
    }

    private Optional<ContainerSpec> container(List<Specs.ContainerDecl> layers, String owner) {
        if (layers.isEmpty()) return Optional.empty();
        String image = null;
        Located<ContainerRuntime> runtime = null;
        Set<String> mounts = new LinkedHashSet<>();
        Set<String> modules = new LinkedHashSet<>();
        Specs.ContainerDecl lastDecl = null;
        for (Specs.ContainerDecl c : layers) {
            lastDecl = c;
            image = c.image;
            if (c.runtime != null) runtime = c.runtime;
            c.mounts.forEach(m -> mounts.add(m.value()));
            c.modules.forEach(m -> modules.add(m.value()));
        }
        if (image == null) return Optional.empty();   // invalid image, already reported
        if (runtime == null) {
            if (!lastDecl.hadErrors) find(lastDecl.line, true, "container '" + image + "' has no runtime: add runtime "
                    + PolicyDiagnostic.orList(java.util.Arrays.stream(ContainerRuntime.values()).map(r -> "'" + r.dslName() + "'").toList()) + " in its block", owner);
            return Optional.empty();
        }
        return Optional.of(new ContainerSpec(image, runtime.value(), List.copyOf(mounts), List.copyOf(modules)));
    }

    // ---- the dependency graph -------------------------------------------------------------------

    private void checkGraph(List<Specs.StepDecl> steps, Map<String, Specs.StepDecl> byName) {
        Map<String, List<String>> edges = new HashMap<>();
        for (Specs.StepDecl s : steps) {
            List<String> known = new ArrayList<>();
            for (Located<String> a : s.after) {
                if (byName.containsKey(a.value())) {
                    if (!known.contains(a.value())) known.add(a.value());
                } else {
                    String hint = Suggest.closest(a.value(), byName.keySet()).map(x -> "; did you mean '" + x + "'?").orElse("");
                    session.error(a.line(), "step '" + s.name + "' runs after unknown step '" + a.value() + "'" + hint);
                }
            }
            edges.put(s.name, known);
        }
        // iterative depth-first search: white (absent) / grey (on the path) / black (done)
        Map<String, Integer> color = new HashMap<>();
        for (Specs.StepDecl root : steps) {
            if (color.containsKey(root.name)) continue;
            ArrayDeque<String> path = new ArrayDeque<>();
            ArrayDeque<java.util.Iterator<String>> its = new ArrayDeque<>();
            color.put(root.name, 1);
            path.push(root.name);
            its.push(edges.get(root.name).iterator());
            while (!its.isEmpty()) {
                java.util.Iterator<String> it = its.peek();
                if (!it.hasNext()) {
                    color.put(path.pop(), 2);
                    its.pop();
                    continue;
                }
                String next = it.next();
                Integer c = color.get(next);
                if (c == null) {
                    color.put(next, 1);
                    path.push(next);
                    its.push(edges.get(next).iterator());
                } else if (c == 1) {
                    reportCycle(path, next, byName);
                }
            }
        }
    }

    /** path holds the current DFS path (top = deepest); {@code to} is on it. Prints it in "runs after" order. */
    private void reportCycle(ArrayDeque<String> path, String to, Map<String, Specs.StepDecl> byName) {
        List<String> cycle = new ArrayList<>();
        for (String n : path) {            // deepest first
            cycle.add(n);
            if (n.equals(to)) break;
        }
        // edges point from a step to the steps it runs after; read the cycle from 'to'
        java.util.Collections.reverse(cycle);
        String text = cycle.stream().collect(Collectors.joining(" -> ")) + " -> " + to;
        session.error(byName.get(to).line, "dependency cycle: " + text + " (each step runs after the next)");
    }

    // ---- policy rules ---------------------------------------------------------------------------

    private List<PolicyRule> rules() {
        List<PolicyRule> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Specs.RuleDecl r : session.rules) {
            Integer first = seen.putIfAbsent(r.glob, r.line);
            if (first != null) {
                session.warning(r.line, "match '" + r.glob + "' repeats the rule on line " + first + "; the first matching rule wins, so this one is never used");
            }
            Optional<ContainerSpec> ct = r.container == null ? Optional.empty() : container(List.of(r.container), null);
            Optional<CheckpointPolicy> cp = r.checkpoint == null ? Optional.empty()
                    : Optional.of(checkpoint(List.of(r.checkpoint), null, null, null, ct.isPresent()));
            out.add(new PolicyRule(r.glob, cp, ct, value(r.retry), new SourceLocation(session.file(), r.line)));
        }
        return out;
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A finding about one step (owner) or a policy rule (owner null). */
    private void find(int line, boolean error, String message, String owner) {
        List<String> owners = findings.computeIfAbsent(new Finding(line, error, message), k -> new ArrayList<>());
        if (owner != null) owners.add(owner);
    }

    private void flushFindings() {
        findings.forEach((f, owners) -> {
            String who = ScriptMessages.owners(owners);
            if (f.error()) session.error(f.line(), f.message() + who);
            else session.warning(f.line(), f.message() + who);
        });
        findings.clear();
    }

    private static <T> Located<T> last(List<Specs.Settings> layers, Function<Specs.Settings, Located<T>> get) {
        Located<T> v = null;
        for (Specs.Settings l : layers) {
            Located<T> x = get.apply(l);
            if (x != null) v = x;
        }
        return v;
    }

    private static <T> Optional<T> value(Located<T> l) { return l == null ? Optional.empty() : Optional.of(l.value()); }

    private static int orDefault(Located<Integer> l, int d) { return l == null ? d : l.value(); }

    private static String fmt(Duration d) { return Durations.format(d); }
}
