package dev.crflow.executor.slurm;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.Step;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders a step's sbatch script: directives as data ({@link #directives}), written out in one place
 * ({@link #render}); then {@code module load} lines and the hand-off to the coordinator.
 * The step's command, environment and workdir are never in the script: the coordinator reads them
 * from {@code spec.json}.
 */
public final class BatchScriptRenderer {

    /** The ordered {@code #SBATCH} options of one step. */
    public List<SbatchDirective> directives(RenderRequest req) {
        Step step = req.step();
        Resources r = step.resources();
        CheckpointPolicy cp = step.checkpoint();
        List<SbatchDirective> d = new ArrayList<>();
        d.add(SbatchDirective.of("--job-name", req.jobName()));
        // A requeued job keeps its id and appends to its logs: the coordinator requeues itself after a checkpoint.
        d.add(SbatchDirective.flag("--requeue"));
        d.add(SbatchDirective.of("--open-mode", "append"));
        // B: the signal goes to the batch shell only, i.e. the coordinator (exec), which checkpoints then requeues.
        d.add(SbatchDirective.of("--signal", "B:" + cp.signal() + "@" + Math.max(1, cp.lead().toSeconds())));
        Optional<Duration> time = effectiveTime(r.time(), req.remainingBudget());
        time.ifPresent(t -> d.add(SbatchDirective.of("--time", SlurmTime.limit(t))));
        r.timeMin().ifPresent(tm -> {
            Duration bounded = time.isPresent() && tm.compareTo(time.get()) > 0 ? time.get() : tm;
            d.add(SbatchDirective.of("--time-min", SlurmTime.limit(bounded)));
        });
        d.add(SbatchDirective.of("--comment", comment(req)));
        d.add(SbatchDirective.of("--output", req.controlDir().resolve("stdout.log").toString()));
        d.add(SbatchDirective.of("--error", req.controlDir().resolve("stderr.log").toString()));
        d.add(SbatchDirective.of("--chdir", req.controlDir().toString()));
        r.partition().ifPresent(v -> d.add(SbatchDirective.of("--partition", v)));
        r.account().ifPresent(v -> d.add(SbatchDirective.of("--account", v)));
        r.qos().ifPresent(v -> d.add(SbatchDirective.of("--qos", v)));
        r.constraint().ifPresent(v -> d.add(SbatchDirective.of("--constraint", v)));
        d.add(SbatchDirective.of("--nodes", Integer.toString(r.nodes())));
        d.add(SbatchDirective.of("--ntasks", Integer.toString(r.ntasks())));
        d.add(SbatchDirective.of("--cpus-per-task", Integer.toString(r.cpusPerTask())));
        r.memMb().ifPresent(v -> d.add(SbatchDirective.of("--mem", v + "M")));
        if (!req.excludeNodes().isEmpty()) d.add(SbatchDirective.of("--exclude", String.join(",", req.excludeNodes())));
        // shifter stages its image (and site modules) through the header: #SBATCH --image=, --module=
        d.addAll(dev.crflow.executor.container.ContainerDirectives.of(step));
        d.addAll(ExtraDirectives.parse(step.sbatchExtra()));
        return d;
    }

    /** The complete script, exactly as submitted. */
    public String render(RenderRequest req) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        for (SbatchDirective directive : directives(req)) s.append(directive.render()).append('\n');
        s.append("# Rendered by crflow. The step's command, environment and workdir are in spec.json,\n");
        s.append("# read by the coordinator; it receives Slurm's warning signal because it replaces this shell.\n");
        appendModules(s, req.step().modules());
        s.append("exec ").append(handOff(req.coordinator(), req.controlDir())).append('\n');
        return s.toString();
    }

    /**
     * One job array for several steps (e.g. {@code crflow rerun --failed}): element {@code i} hands off to the
     * control directory {@code controlDirs[i]}. Resources are those of {@code template}; the caller groups steps
     * whose resources agree. Each element's output is redirected into its own control directory.
     */
    public String renderArray(RenderRequest template, List<Path> controlDirs, Path arrayLogDir) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        for (SbatchDirective directive : directives(template)) {
            String o = directive.option();
            if (o.equals("--output")) directive = SbatchDirective.of("--output", arrayLogDir.resolve("%A_%a.log").toString());
            else if (o.equals("--error")) directive = SbatchDirective.of("--error", arrayLogDir.resolve("%A_%a.log").toString());
            else if (o.equals("--chdir")) directive = SbatchDirective.of("--chdir", arrayLogDir.toString());
            s.append(directive.render()).append('\n');
        }
        s.append(SbatchDirective.of("--array", "0-" + (controlDirs.size() - 1)).render()).append('\n');
        s.append("# Rendered by crflow: one array element per step; each hands off to its own control directory.\n");
        appendModules(s, template.step().modules());
        s.append("case \"${SLURM_ARRAY_TASK_ID:-}\" in\n");
        for (int i = 0; i < controlDirs.size(); i++) {
            s.append("  ").append(i).append(") ctl=").append(Quoting.shell(controlDirs.get(i).toString())).append(" ;;\n");
        }
        s.append("  *) echo \"crflow: unexpected array index '${SLURM_ARRAY_TASK_ID:-}'\" >&2; exit 2 ;;\nesac\n");
        s.append("cd \"$ctl\" || exit 2\n");
        s.append("exec >>\"$ctl/stdout.log\" 2>>\"$ctl/stderr.log\"\n");
        String handOff = handOff(template.coordinator(), Path.of("/CTL"));
        s.append("exec ").append(handOff, 0, handOff.length() - "'/CTL'".length()).append("\"$ctl\"\n");
        return s.toString();
    }

    private static void appendModules(StringBuilder s, List<String> modules) {
        for (String module : modules) {
            String q = Quoting.shell(module);
            s.append("module load ").append(q).append(" || { echo \"crflow: 'module load' \"").append(q)
                    .append("\" failed\" >&2; exit 3; }\n");
        }
    }

    /** Paths are always quoted; fixed words (flags, {@code run}) only when they hold anything but safe characters. */
    private static String handOff(CoordinatorLaunch c, Path ctl) {
        StringBuilder b = new StringBuilder(Quoting.shell(c.java().toString()));
        for (String flag : c.jvmFlags()) b.append(' ').append(word(flag));
        b.append(" -jar ").append(Quoting.shell(c.jar().toString()));
        b.append(" run --control ").append(Quoting.shell(ctl.toString()));
        return b.toString();
    }

    private static String word(String arg) {
        return arg.matches("[-A-Za-z0-9:+=_.,/]+") ? arg : Quoting.shell(arg);
    }

    /** The limit of this attempt: the step's time, lowered to what is left of the total budget. */
    static Optional<Duration> effectiveTime(Optional<Duration> time, Optional<Duration> remaining) {
        if (remaining.isEmpty()) return time;
        Duration left = remaining.get().isNegative() ? Duration.ZERO : remaining.get();
        if (time.isEmpty()) return Optional.of(left);
        return Optional.of(time.get().compareTo(left) <= 0 ? time.get() : left);
    }

    private static String comment(RenderRequest req) {
        return "crflow:step=" + req.step().name() + ";budget="
                + req.remainingBudget().map(Duration::toString).orElse("unlimited");
    }
}
