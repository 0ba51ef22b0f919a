package dev.crflow.cli;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.ContainerSpec;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import dev.crflow.dsl.model.Workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The human view of a resolved workflow for {@code crflow show}: a summary table, then each step in full. */
final class WorkflowView {
    private WorkflowView() {}

    static String render(Workflow w) {
        StringBuilder out = new StringBuilder();
        out.append("workflow ").append(w.name()).append("  (").append(w.sourceFile())
                .append(w.profile().map(p -> ", profile " + p).orElse("")).append(")\n");
        if (!w.steps().isEmpty()) {
            out.append('\n');
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("STEP", "AFTER", "TIME", "NODES", "TASKS", "CPUS", "MEM", "ENGINE", "INTERVAL", "SIGNAL", "RESTARTS", "CONTAINER"));
            for (Step s : w.steps()) {
                Resources r = s.resources();
                CheckpointPolicy c = s.checkpoint();
                rows.add(List.of(s.name(), s.after().isEmpty() ? "-" : String.join(",", s.after()),
                        dur(r.time()), String.valueOf(r.nodes()), String.valueOf(r.ntasks()), String.valueOf(r.cpusPerTask()),
                        r.memMb().map(WorkflowView::mem).orElse("-"), c.engine().dslName(), c.autoInterval() ? "auto" : dur(c.interval()),
                        c.signal() + "@" + dur(c.lead()), String.valueOf(c.maxRestarts()),
                        s.container().map(ct -> ct.runtime().dslName() + " " + ct.image()).orElse("-")));
            }
            table(out, rows);
            for (Step s : w.steps()) step(out, s);
        }
        if (!w.policy().isEmpty()) {
            out.append("\npolicy (the first matching rule wins)\n");
            for (PolicyRule r : w.policy()) {
                out.append("  match ").append(r.glob()).append("  (").append(r.declaredAt()).append(")\n");
                r.checkpoint().ifPresent(c -> line(out, "checkpoint", checkpoint(c)));
                r.container().ifPresent(c -> line(out, "container", container(c)));
                r.retry().ifPresent(n -> line(out, "retry", String.valueOf(n)));
            }
        }
        return out.toString();
    }

    private static void step(StringBuilder out, Step s) {
        out.append("\nstep ").append(s.name()).append("  (").append(s.declaredAt()).append(")\n");
        if (!s.after().isEmpty()) line(out, "after", String.join(", ", s.after()));
        StepCommand cmd = s.command();
        if (cmd.kind() == StepCommand.Kind.COMMAND) {
            line(out, "command", cmd.text());
        } else {
            List<String> lines = cmd.text().lines().toList();
            line(out, "script", lines.isEmpty() ? "" : lines.get(0));
            for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) line(out, "", l);
        }
        line(out, "workdir", s.workdir());
        Resources r = s.resources();
        List<String> slurm = new ArrayList<>();
        r.partition().ifPresent(v -> slurm.add("partition=" + v));
        r.account().ifPresent(v -> slurm.add("account=" + v));
        r.qos().ifPresent(v -> slurm.add("qos=" + v));
        r.constraint().ifPresent(v -> slurm.add("constraint=" + v));
        r.time().ifPresent(v -> slurm.add("time=" + dur(v)));
        r.timeMin().ifPresent(v -> slurm.add("time-min=" + dur(v)));
        slurm.add("nodes=" + r.nodes());
        slurm.add("ntasks=" + r.ntasks());
        slurm.add("cpus-per-task=" + r.cpusPerTask());
        r.memMb().ifPresent(v -> slurm.add("mem=" + mem(v)));
        slurm.addAll(s.sbatchExtra());
        line(out, "slurm", String.join(" ", slurm));
        if (!s.env().isEmpty()) {
            line(out, "env", s.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        }
        if (!s.modules().isEmpty()) line(out, "modules", String.join(" ", s.modules()));
        line(out, "checkpoint", checkpoint(s.checkpoint()));
        s.container().ifPresent(c -> line(out, "container", container(c)));
        line(out, "retry", String.valueOf(s.retry()));
    }

    static String checkpoint(CheckpointPolicy c) {
        StringBuilder b = new StringBuilder("engine ").append(c.engine().dslName());
        if (c.engine() == Engine.NONE) {
            b.append("; on ").append(c.signal()).append(' ').append(dur(c.lead())).append(" before the time limit: requeue and start over");
        } else {
            c.interval().ifPresent(i -> b.append("; every ").append(dur(i)));
            if (c.autoInterval()) b.append("; every interval the coordinator picks (auto)");
            b.append("; on ").append(c.signal()).append(' ').append(dur(c.lead())).append(" before the time limit: checkpoint and requeue");
        }
        c.forward().ifPresent(f -> b.append("; forward ").append(f).append(" to the application"));
        if (!c.state().isEmpty()) b.append("; state ").append(String.join(" ", c.state()));
        if (c.engine() != Engine.NONE) b.append("; keep ").append(c.keep());
        b.append("; max ").append(c.maxRestarts()).append(" restarts");
        c.totalTime().ifPresent(t -> b.append("; total time ").append(dur(t)));
        return b.toString();
    }

    static String container(ContainerSpec c) {
        StringBuilder b = new StringBuilder(c.image()).append(" (").append(c.runtime().dslName()).append(')');
        if (!c.mounts().isEmpty()) b.append("; mounts ").append(String.join(" ", c.mounts()));
        if (!c.modules().isEmpty()) b.append("; modules ").append(String.join(" ", c.modules()));
        return b.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append("  ").append(String.format("%-11s", key)).append(value).append('\n');
    }

    private static void table(StringBuilder out, List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r.get(i).length());
        for (List<String> r : rows) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                l.append(r.get(i));
                if (i < cols - 1) l.append(" ".repeat(width[i] - r.get(i).length() + 2));
            }
            out.append(l.toString().stripTrailing()).append('\n');
        }
    }

    static String dur(Optional<Duration> d) { return d.map(WorkflowView::dur).orElse("-"); }

    static String dur(Duration d) {
        long s = d.getSeconds();
        StringBuilder b = new StringBuilder();
        long days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, seconds = s % 60;
        if (days > 0) b.append(days).append('d');
        if (hours > 0) b.append(hours).append('h');
        if (minutes > 0) b.append(minutes).append('m');
        if (seconds > 0 || b.length() == 0) b.append(seconds).append('s');
        return b.toString();
    }

    static String mem(long mb) {
        if (mb % (1024L * 1024) == 0) return mb / (1024L * 1024) + "T";
        if (mb % 1024 == 0) return mb / 1024 + "G";
        return mb + "M";
    }
}
