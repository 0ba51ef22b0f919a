package dev.crflow.dsl.policy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one list of sbatch options crflow manages, and the validation of the DSL's {@code sbatch '...'} escape hatch: one option per argument, in long form, known to
 * sbatch (Slurm 22.05+), and never one crflow manages itself or one that has a DSL keyword.
 */
public final class SbatchOptions {
    /** Options that take no value. */
    private static final Set<String> FLAGS = Set.of("contiguous", "hold", "ignore-pbs", "overcommit", "oversubscribe",
            "parsable", "quiet", "reboot", "requeue", "no-requeue", "spread-job", "test-only", "use-min-nodes", "verbose",
            "wait", "x11");
    /** Options whose value is optional. */
    private static final Set<String> OPTIONAL_VALUE = Set.of("exclusive", "no-kill", "get-user-env", "kill-on-invalid-dep");
    private static final Set<String> KNOWN = new TreeSet<>(List.of(
            "account", "acctg-freq", "array", "batch", "bb", "bbf", "begin", "chdir", "cluster-constraint", "clusters",
            "comment", "constraint", "container", "contiguous", "core-spec", "cores-per-socket", "cpu-freq",
            "cpus-per-gpu", "cpus-per-task", "deadline", "delay-boot", "dependency", "distribution", "error", "exclude",
            "exclusive", "export", "export-file", "extra-node-info", "get-user-env", "gid", "gpu-bind", "gpu-freq", "gpus",
            "gpus-per-node", "gpus-per-socket", "gpus-per-task", "gres", "gres-flags", "hint", "hold", "ignore-pbs",
            "input", "job-name", "kill-on-invalid-dep", "licenses", "mail-type", "mail-user", "mcs-label", "mem",
            "mem-bind", "mem-per-cpu", "mem-per-gpu", "mincpus", "network", "nice", "no-kill", "no-requeue", "nodefile",
            "nodelist", "nodes", "ntasks", "ntasks-per-core", "ntasks-per-gpu", "ntasks-per-node", "ntasks-per-socket",
            "open-mode", "output", "overcommit", "oversubscribe", "parsable", "partition", "power", "prefer", "priority",
            "profile", "propagate", "qos", "quiet", "reboot", "requeue", "reservation", "signal", "sockets-per-node",
            "spread-job", "switches", "test-only", "thread-spec", "threads-per-core", "time", "time-min", "tmp",
            "tres-per-task", "uid", "use-min-nodes", "verbose", "wait", "wait-all-nodes", "wckey", "wrap", "x11"));
    /**
     * Who refuses a managed option. {@link #EVERYWHERE}: crflow renders it itself (requeue, signals, logs, job
     * tracking, the budget-lowered time limit) or it cannot work under crflow, so the executor refuses it from
     * any front end (Nextflow's clusterOptions drop it with a warning). {@link #DSL}: the DSL has a keyword for it;
     * front ends without that keyword (clusterOptions) may still pass it.
     */
    public enum Scope { EVERYWHERE, DSL }

    /** One option crflow manages, why, and what to write instead. */
    public record Managed(String name, Scope scope, String reason) {}

    /** The one list of managed options (long names), for the DSL, the executor and every bridge. */
    private static final Map<String, Managed> MANAGED = new LinkedHashMap<>();
    private static final Map<Character, String> SHORT = new HashMap<>();

    static {
        rendered("signal", "crflow manages --signal: use checkpoint { signal 'USR1', lead: '60s' }");
        rendered("requeue", "crflow manages requeueing: use checkpoint { maxRestarts N }");
        rendered("no-requeue", "crflow manages requeueing: use checkpoint { maxRestarts 0 } for a step that must not be requeued");
        rendered("open-mode", "crflow manages --open-mode (logs are appended across requeues)");
        rendered("output", "crflow manages --output (the step's log is in its control directory)");
        rendered("error", "crflow manages --error (the step's log is in its control directory)");
        rendered("job-name", "crflow manages --job-name (it names jobs after the workflow and step)");
        rendered("comment", "crflow manages --comment (it records the step and its remaining time budget there)");
        rendered("chdir", "use the keyword workdir instead of --chdir");
        rendered("dependency", "use the keyword after instead of --dependency");
        rendered("kill-on-invalid-dep", "crflow orders the steps itself (after) and submits none with a Slurm dependency");
        rendered("array", "--array is not supported: generate one step per task with a Groovy loop");
        rendered("wrap", "--wrap is not supported: use command or script");
        rendered("export", "use the keyword env instead of --export");
        rendered("export-file", "use the keyword env instead of --export-file");
        rendered("parsable", "crflow manages --parsable");
        rendered("wait", "--wait is not supported: crflow watches the job itself");
        rendered("hold", "--hold is not supported: crflow releases and submits jobs itself");
        rendered("test-only", "--test-only is not supported: use crflow render to see the batch script");
        rendered("batch", "--batch is not supported");
        // rendered by crflow (lowered to the remaining budget), and the DSL has a keyword for them
        rendered("time", "use the keyword time instead of --time");
        rendered("time-min", "use the keyword timeMin instead of --time-min");
        keyword("nodes", "nodes");
        keyword("ntasks", "ntasks");
        keyword("cpus-per-task", "cpusPerTask");
        keyword("mem", "mem");
        keyword("partition", "partition");
        keyword("account", "account");
        keyword("qos", "qos");
        keyword("constraint", "constraint");
        SHORT.put('t', "time"); SHORT.put('N', "nodes"); SHORT.put('n', "ntasks"); SHORT.put('c', "cpus-per-task");
        SHORT.put('p', "partition"); SHORT.put('A', "account"); SHORT.put('q', "qos"); SHORT.put('C', "constraint");
        SHORT.put('J', "job-name"); SHORT.put('o', "output"); SHORT.put('e', "error"); SHORT.put('D', "chdir");
        SHORT.put('d', "dependency"); SHORT.put('a', "array"); SHORT.put('H', "hold"); SHORT.put('W', "wait");
        SHORT.put('G', "gpus"); SHORT.put('w', "nodelist"); SHORT.put('x', "exclude"); SHORT.put('L', "licenses");
        SHORT.put('M', "clusters"); SHORT.put('s', "oversubscribe"); SHORT.put('k', "no-kill"); SHORT.put('O', "overcommit");
        SHORT.put('Q', "quiet"); SHORT.put('v', "verbose"); SHORT.put('i', "input"); SHORT.put('B', "extra-node-info");
        SHORT.put('b', "begin"); SHORT.put('F', "nodefile"); SHORT.put('m', "distribution");
    }

    private static void rendered(String option, String reason) {
        MANAGED.put(option, new Managed(option, Scope.EVERYWHERE, reason));
    }

    private static void keyword(String option, String keyword) {
        MANAGED.put(option, new Managed(option, Scope.DSL, "use the keyword " + keyword + " instead of --" + option));
    }

    /**
     * The managed option named by {@code option} ("--comment", "--comment=x", "-J", "-Jname"), in any scope;
     * empty for options crflow leaves to the user and for text that is not an option.
     */
    public static Optional<Managed> managed(String option) {
        String text = option.strip();
        String name;
        if (text.startsWith("--")) {
            int end = text.length();
            for (int i = 2; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch == '=' || Character.isWhitespace(ch)) { end = i; break; }
            }
            name = text.substring(2, end);
        } else if (text.length() >= 2 && text.charAt(0) == '-') {
            name = SHORT.get(text.charAt(1));
            if (name == null) return Optional.empty();
        } else {
            return Optional.empty();
        }
        return Optional.ofNullable(MANAGED.get(name));
    }

    /**
     * Whether {@code option} ("--exclude", "-x") needs a value, so that a front end splitting a command line
     * ({@code clusterOptions '-x node9 --exclusive'}) knows whether the next token belongs to it. Flags and
     * options with an optional value ({@code --exclusive[=user]}) take none as a separate token.
     */
    public static boolean takesValue(String option) {
        String name = option.startsWith("--") ? option.substring(2)
                : option.length() == 2 && option.charAt(0) == '-' ? SHORT.get(option.charAt(1)) : null;
        return name == null || !(FLAGS.contains(name) || OPTIONAL_VALUE.contains(name));
    }

    /** Long names of the options the executor refuses from any front end (for tests and docs). */
    public static List<String> refusedByTheExecutor() {
        return MANAGED.values().stream().filter(m -> m.scope() == Scope.EVERYWHERE).map(Managed::name).toList();
    }

    private static final Pattern LONG = Pattern.compile("--([A-Za-z0-9][A-Za-z0-9-]*)(?:=(.*))?", Pattern.DOTALL);

    private SbatchOptions() {}

    /** The option's long name ("exclusive"), or a message saying what is wrong (null name). */
    public record Checked(String name, String error) {}

    public static Checked check(String option) {
        if (option.isEmpty()) return new Checked(null, "sbatch option is empty");
        if (option.contains("\n") || option.contains("\r") || option.contains("\0")) {
            return new Checked(null, "sbatch option '" + printable(option) + "' contains a line break");
        }
        if (option.startsWith("-") && !option.startsWith("--")) {
            if (option.length() < 2) return new Checked(null, "sbatch option '-' is malformed");
            String longName = SHORT.get(option.charAt(1));
            if (longName == null) return new Checked(null, "sbatch option '" + option + "': write options in their long form (--name=value)");
            Managed managed = MANAGED.get(longName);
            if (managed != null) return new Checked(null, "sbatch option '" + option + "' (--" + longName + "): " + managed.reason());
            return new Checked(null, "sbatch option '" + option + "': write it in its long form, --" + longName
                    + (FLAGS.contains(longName) ? "" : "=VALUE"));
        }
        Matcher m = LONG.matcher(option);
        if (!m.matches()) {
            if (option.startsWith("--") && option.matches("--\\S+\\s+.*")) {
                return new Checked(null, "sbatch option '" + option + "': give one option per argument, as --name=value (e.g. sbatch '--exclusive', '--gres=gpu:1')");
            }
            return new Checked(null, "sbatch option '" + option + "' is malformed: expected --name or --name=value");
        }
        String name = m.group(1);
        String value = m.group(2);
        if (!KNOWN.contains(name)) {
            String hint = Suggest.closest(name, KNOWN).map(s -> "; did you mean --" + s + "?").orElse("");
            return new Checked(null, "unknown sbatch option '--" + name + "'" + hint);
        }
        Managed managed = MANAGED.get(name);
        if (managed != null) return new Checked(null, "sbatch option '--" + name + "' conflicts with crflow: " + managed.reason());
        if (FLAGS.contains(name) && value != null) {
            return new Checked(null, "sbatch option '--" + name + "' takes no value");
        }
        if (!FLAGS.contains(name) && !OPTIONAL_VALUE.contains(name) && (value == null || value.isBlank())) {
            return new Checked(null, "sbatch option '--" + name + "' needs a value: --" + name + "=VALUE");
        }
        if (value != null && value.contains(" ") && value.matches(".*\\s--\\S.*")) {
            return new Checked(null, "sbatch option '" + option + "': give one option per argument (e.g. sbatch '--exclusive', '--gres=gpu:1')");
        }
        return new Checked(name, null);
    }

    private static String printable(String s) {
        return s.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
    }
}
