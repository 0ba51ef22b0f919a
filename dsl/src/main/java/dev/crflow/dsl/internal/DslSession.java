package dev.crflow.dsl.internal;

import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.Severity;
import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.policy.Checked;
import dev.crflow.dsl.policy.PolicyDiagnostic;
import dev.crflow.dsl.policy.PolicyValues;
import dev.crflow.dsl.policy.Suggest;
import groovy.lang.Closure;
import groovy.lang.Script;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The state of one file being loaded: its diagnostics, the line being executed (kept current by
 * {@link LineInstrumenter}), what the script declared, and the value checks every context shares.
 * Reached from the context classes through {@link #current()} (one session per thread at a time).
 */
public final class DslSession {
    private static final ThreadLocal<DslSession> CURRENT = new ThreadLocal<>();

    /** Returned for an unknown property so that follow-up checks stay quiet (the problem is already reported). */
    public static final Object UNRESOLVED = new Object() {
        @Override public String toString() { return "<unresolved>"; }
    };

    private static final Pattern SLURM_WORD = Pattern.compile("[^\\s'\"`$;\\\\]+");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    private final String file;
    private final String sourceName;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    /** For each diagnostic, the step whose block was running (null outside steps): to name it in loops. */
    private final List<String> stepOf = new ArrayList<>();
    private String currentStep;
    private int line = 1;
    private Script script;

    public Specs.WorkflowDecl workflow;
    public final List<Specs.RuleDecl> rules = new ArrayList<>();
    public int policyBlocks;
    public int firstPolicyLine;

    DslSession(String file, String sourceName) {
        this.file = file;
        this.sourceName = sourceName;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    public static DslSession current() {
        DslSession s = CURRENT.get();
        if (s == null) throw new IllegalStateException("crflow DSL keywords are only available while WorkflowLoader runs a file");
        return s;
    }

    /** Called before every statement of the script (inserted by {@link LineInstrumenter}). */
    public static void at(int line) {
        DslSession s = CURRENT.get();
        if (s != null) s.line = line;
    }

    void enter(Script script) {
        this.script = script;
        CURRENT.set(this);
    }

    void leave() {
        CURRENT.remove();
        this.script = null;
    }

    public int line() { return line; }

    public String file() { return file; }

    List<Diagnostic> diagnostics() { return diagnostics; }

    // ---- diagnostics ----------------------------------------------------------------------------

    public void error(int at, String message) { add(new Diagnostic(file, at, Severity.ERROR, message)); }

    public void warning(int at, String message) { add(new Diagnostic(file, at, Severity.WARNING, message)); }

    private int errors;

    private void add(Diagnostic d) {
        diagnostics.add(d);
        stepOf.add(currentStep);
        if (d.isError()) errors++;
    }

    public int errorCount() { return errors; }

    /** Runs a step's block with the step as context of its diagnostics; true when the block reported an error. */
    public boolean runStepBlock(@groovy.lang.DelegatesTo(strategy = Closure.DELEGATE_ONLY) Closure<?> body, Object context, String stepName) {
        String outer = currentStep;
        currentStep = stepName;
        try {
            return runBlock(body, context);
        } finally {
            currentStep = outer;
        }
    }

    /**
     * Diagnostics raised inside a step declared on a line that declares several steps (a loop) name
     * the step, since the line alone does not say which iteration is wrong.
     */
    List<Diagnostic> diagnosticsNamingLoopSteps(java.util.Set<String> stepsInLoops) {
        // the same problem on the same line for many generated steps is one diagnostic naming them
        Map<Diagnostic, List<String>> grouped = new java.util.LinkedHashMap<>();
        for (int i = 0; i < diagnostics.size(); i++) {
            Diagnostic d = diagnostics.get(i);
            String step = stepOf.get(i);
            List<String> steps = grouped.computeIfAbsent(d, k -> new ArrayList<>());
            if (step != null && stepsInLoops.contains(step) && !d.message().contains("step '" + step + "'")) steps.add(step);
        }
        List<Diagnostic> out = new ArrayList<>(grouped.size());
        grouped.forEach((d, steps) -> out.add(steps.isEmpty() ? d
                : new Diagnostic(d.file(), d.line(), d.severity(), d.message() + ScriptMessages.owners(steps))));
        return out;
    }

    public void error(String message) { error(line, message); }

    public void warning(String message) { warning(line, message); }

    /**
     * Runs a block's closure against its context with DELEGATE_ONLY: a name the context does not know
     * is reported by the context, never resolved against the script. An exception thrown by the user's
     * own code is reported with its line, and loading goes on with the next statement after the block.
     */
    public boolean runBlock(@groovy.lang.DelegatesTo(strategy = Closure.DELEGATE_ONLY) Closure<?> body, Object context) {
        if (body == null) return false;
        int errorsBefore = errorCount();
        Closure<?> c = (Closure<?>) body.clone();
        c.setResolveStrategy(Closure.DELEGATE_ONLY);
        c.setDelegate(context);
        int blockLine = line;
        try {
            if (c.getMaximumNumberOfParameters() > 0) c.call(context);
            else c.call();
        } catch (StackOverflowError e) {
            error(blockLine, "stack overflow while running this block (endless recursion?)");
        } catch (RuntimeException e) {
            reportException(e);
        }
        return errorCount() > errorsBefore;
    }

    /** An exception escaping the user's code: the line of the script frame that threw it, a readable message. */
    public void reportException(Throwable e) {
        int at = line;
        for (StackTraceElement el : e.getStackTrace()) {
            if (sourceName.equals(el.getFileName()) && el.getLineNumber() > 0) {
                at = el.getLineNumber();
                break;
            }
        }
        error(at, ScriptMessages.describe(e));
    }

    // ---- unknown names --------------------------------------------------------------------------

    /**
     * A call or property a block does not know. The message names the block, suggests the one closest
     * keyword, says where a keyword of another block belongs, and explains DELEGATE_ONLY when the name is
     * a script method or binding variable the user expected to reach.
     */
    public void unknownKeyword(String block, String name, Collection<String> keywords, boolean isCall, Object args) {
        String where = block.equals("top level") ? "at the top level of the file" : "in " + block + " block";
        if (keywords.contains(name)) {
            error("wrong arguments for '" + name + "' " + where + ": " + Keywords.usage(name)
                    + (isCall ? " (got " + describeArgs(args) + ")" : ""));
            return;
        }
        Optional<String> home = Keywords.homeOf(name, block);
        if (home.isPresent()) {
            error("'" + name + "' cannot be used " + where + ": " + home.get());
            return;
        }
        if (script != null && !block.equals("top level")) {
            if (isCall && script.getMetaClass().respondsTo(script, name).size() > 0) {
                error("unknown keyword '" + name + "' " + where + ": methods of the script are not visible inside blocks;"
                        + " define a closure in a local variable instead (def " + name + " = { … })");
                return;
            }
            if (script.getBinding().hasVariable(name)) {
                error("unknown keyword '" + name + "' " + where + ": script binding variables are not visible inside blocks;"
                        + " declare it as a local variable (def " + name + " = …)");
                return;
            }
        }
        List<String> known = List.copyOf(keywords);
        Optional<String> guess = Keywords.alias(name, known).or(() -> Suggest.closest(name, known));
        if (guess.isPresent()) {
            error("unknown keyword '" + name + "' " + where + "; did you mean '" + guess.get() + "'?");
        } else {
            error("unknown keyword '" + name + "' " + where + " (known: " + String.join(", ", keywords) + ")");
        }
    }

    /** {@code time = '1h'} instead of {@code time '1h'}. */
    public void assignment(String block, String name, Collection<String> keywords) {
        if (keywords.contains(name)) {
            error("'" + name + " = …' is not supported in " + block + " block: write " + name + " VALUE (a call, without '=')");
        } else {
            unknownKeyword(block, name, keywords, false, null);
        }
    }

    private static String describeArgs(Object args) {
        Object[] a = args instanceof Object[] arr ? arr : new Object[]{args};
        if (a.length == 0) return "no arguments";
        List<String> parts = new ArrayList<>();
        for (Object o : a) parts.add(o == null ? "null" : o instanceof Closure ? "a { } block" : o instanceof Map ? "named arguments" : o.getClass().getSimpleName());
        return String.join(", ", parts);
    }

    // ---- value checks: each reports at the current line and returns null when the value is bad ----

    public static boolean unresolved(Object v) { return v == UNRESOLVED; }

    public String string(Object v, String keyword) {
        if (unresolved(v)) return null;
        if (!(v instanceof CharSequence)) {
            error(keyword + " expects a string, got " + typeOf(v));
            return null;
        }
        String s = v.toString();
        if (s.isBlank()) {
            error(keyword + " is empty");
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            error(keyword + " contains a NUL character");
            return null;
        }
        return s;
    }

    /** A Slurm name-like value (partition, account, qos): no whitespace, no commas for a single name. */
    public String slurmWord(Object v, String keyword) {
        String s = string(v, keyword);
        if (s == null) return null;
        if (!SLURM_WORD.matcher(s).matches()) {
            error(keyword + " '" + s + "' contains whitespace, quotes or shell characters");
            return null;
        }
        return s;
    }

    /**
     * A duration: with {@code bareNumberIsMinutes} a Slurm time limit (a bare number is minutes, as in Slurm),
     * else a checkpoint-policy duration, where a bare number is refused (docs/dsl.md, "Values").
     */
    public Duration duration(Object v, String keyword, boolean bareNumberIsMinutes) {
        if (unresolved(v)) return null;
        return report(bareNumberIsMinutes ? PolicyValues.slurmTime(keyword, v) : PolicyValues.duration(keyword, v));
    }

    /** The periodic interval: a {@link Duration}, or {@link dev.crflow.dsl.model.AutoInterval#AUTO} for 'auto'. */
    public Object interval(Object v, String keyword) {
        if (unresolved(v)) return null;
        return report(PolicyValues.interval(keyword, v));
    }

    public Long memory(Object v, String keyword) {
        if (unresolved(v)) return null;
        return report(PolicyValues.memoryMb(keyword, v));
    }

    /** A whole number >= min; digit strings are accepted. */
    public Integer count(Object v, String keyword, int min) {
        if (unresolved(v)) return null;
        return report(PolicyValues.count(keyword, v, min));
    }

    /**
     * A signal's canonical name; KILL and STOP are refused because no process can handle them, and the warning
     * signal ({@code signal}) must be one Slurm's --signal can send.
     */
    public String signal(Object v, String keyword) {
        if (unresolved(v)) return null;
        return report(keyword.equals("signal") ? PolicyValues.warningSignal(keyword, v) : PolicyValues.signal(keyword, v));
    }

    public Engine engine(Object v) {
        if (unresolved(v)) return null;
        return report(PolicyValues.engine(v));
    }

    /** true or false (also the strings 'true'/'false' and 1/0). */
    public Boolean bool(Object v, String label) {
        if (unresolved(v)) return null;
        return report(PolicyValues.bool(label, v));
    }

    public dev.crflow.dsl.model.OnCancel onCancel(Object v) {
        if (unresolved(v)) return null;
        return report(PolicyValues.onCancel(v));
    }

    public dev.crflow.dsl.model.FromScratch fromScratch(Object v) {
        if (unresolved(v)) return null;
        return report(PolicyValues.fromScratch(v));
    }

    public ContainerRuntime runtime(Object v) {
        if (unresolved(v)) return null;
        return report(PolicyValues.runtime(v));
    }

    /** Reports the value's diagnostics at the current line; the value, or null when it was refused. */
    public <T> T report(Checked<T> c) {
        for (PolicyDiagnostic d : c.diagnostics()) {
            if (d.isError()) error(d.text());
            else warning(d.text());
        }
        return c.value().orElse(null);
    }

    /** Flattens varargs and lists into strings; a non-string element is reported and skipped. */
    public List<String> strings(Object[] args, String keyword) {
        List<String> out = new ArrayList<>();
        if (args == null || args.length == 0) {
            error(keyword + " needs at least one value");
            return out;
        }
        flatten(Arrays.asList(args), keyword, out);
        return out;
    }

    private void flatten(Collection<?> items, String keyword, List<String> out) {
        for (Object o : items) {
            if (unresolved(o)) continue;
            if (o instanceof Collection<?> c) flatten(c, keyword, out);
            else if (o instanceof Object[] arr) flatten(Arrays.asList(arr), keyword, out);
            else {
                String s = string(o, keyword);
                if (s != null) out.add(s);
            }
        }
    }

    /** Step, workflow and profile names: they become directory and job names. */
    public String name(Object v, String what) {
        if (unresolved(v)) return null;
        if (!(v instanceof CharSequence)) {
            error(what + " name must be a string, got " + typeOf(v));
            return null;
        }
        String s = v.toString();
        if (!NAME.matcher(s).matches()) {
            error(what + " name '" + s.replace("\n", "\\n") + "' may only contain letters, digits, '.', '_' and '-' (and must not start with '.' or '-')");
            return null;
        }
        if (s.length() > 100) {
            error(what + " name '" + s.substring(0, 20) + "…' is longer than 100 characters");
            return null;
        }
        return s;
    }

    /** Warns when a single-valued keyword is given twice in the same block. */
    public <T> Located<T> set(Located<T> previous, T value, String keyword) {
        if (value == null) return previous;
        if (previous != null) warning(keyword + " is set twice in this block (first on line " + previous.line() + "); the last value wins");
        return new Located<>(value, line);
    }

    static String typeOf(Object v) { return PolicyValues.typeOf(v); }
}
