package dev.crflow.dsl.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validation of the {@code sbatch '...'} escape hatch: one option per argument, in long form, known to
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
    /** Why an option may not be given through sbatch, and what to write instead. */
    private static final Map<String, String> MANAGED = new HashMap<>();
    private static final Map<Character, String> SHORT = new HashMap<>();

    static {
        MANAGED.put("signal", "crflow manages --signal: use checkpoint { signal 'USR1', lead: '60s' }");
        MANAGED.put("requeue", "crflow manages requeueing: use checkpoint { maxRestarts N }");
        MANAGED.put("no-requeue", "crflow manages requeueing: use checkpoint { maxRestarts 0 } for a step that must not be requeued");
        MANAGED.put("open-mode", "crflow manages --open-mode (logs are appended across requeues)");
        MANAGED.put("output", "crflow manages --output (the step's log is in its control directory)");
        MANAGED.put("error", "crflow manages --error (the step's log is in its control directory)");
        MANAGED.put("job-name", "crflow manages --job-name (it names jobs after the workflow and step)");
        MANAGED.put("chdir", "use the keyword workdir instead of --chdir");
        MANAGED.put("dependency", "use the keyword after instead of --dependency");
        MANAGED.put("array", "--array is not supported: generate one step per task with a Groovy loop");
        MANAGED.put("wrap", "--wrap is not supported: use command or script");
        MANAGED.put("export", "use the keyword env instead of --export");
        MANAGED.put("export-file", "use the keyword env instead of --export-file");
        MANAGED.put("parsable", "crflow manages --parsable");
        MANAGED.put("wait", "--wait is not supported: crflow watches the job itself");
        MANAGED.put("hold", "--hold is not supported: crflow releases and submits jobs itself");
        MANAGED.put("test-only", "--test-only is not supported: use crflow render to see the batch script");
        MANAGED.put("batch", "--batch is not supported");
        keyword("time", "time");
        keyword("time-min", "timeMin");
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

    private static void keyword(String option, String keyword) {
        MANAGED.put(option, "use the keyword " + keyword + " instead of --" + option);
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
            String managed = MANAGED.get(longName);
            if (managed != null) return new Checked(null, "sbatch option '" + option + "' (--" + longName + "): " + managed);
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
        String managed = MANAGED.get(name);
        if (managed != null) return new Checked(null, "sbatch option '--" + name + "' conflicts with crflow: " + managed);
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
