package dev.crflow.dsl.policy;

import dev.crflow.dsl.internal.Durations;
import dev.crflow.dsl.internal.Memory;
import dev.crflow.dsl.internal.Parsed;
import dev.crflow.dsl.model.AutoInterval;
import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.Engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one user-given value of a declared {@link Unit}, the same way for every front end. {@code label} is the
 * setting as the user spelled it ("lead", "ext.checkpoint lead", "resource checkpoint_lead") and starts every
 * message. Values arrive as the front end has them: strings, numbers, lists, {@link Duration}s.
 */
public final class PolicyValues {
    private PolicyValues() {}

    /** Any value of {@code key}'s unit; the result's type is the unit's (Engine, Duration, String, Integer, List). */
    public static Checked<?> read(PolicyKey key, String label, Object v) {
        return switch (key.unit()) {
            case ENGINE -> engine(v);
            case DURATION -> duration(label, v);
            case INTERVAL -> interval(label, v);
            case SLURM_TIME -> slurmTime(label, v);
            case WARNING_SIGNAL -> warningSignal(label, v);
            case SIGNAL -> signal(label, v);
            case COUNT -> count(label, v, key.min());
            case MEMORY -> memoryMb(label, v);
            case PATHS -> statePaths(label, v);
            case RUNTIME -> runtime(v);
            case ON_CANCEL -> onCancel(v);
            case BOOLEAN -> bool(label, v);
            case FROM_SCRATCH -> fromScratch(v);
        };
    }

    /** A duration with a unit; a bare number (60, '60') is an error, because 60 seconds and 60 minutes both make sense. */
    public static Checked<Duration> duration(String label, Object v) {
        return duration(label, v, false);
    }

    /**
     * The periodic interval: a duration, or the word 'auto' (any case) for the coordinator's own choice; the result is
     * a {@link Duration} or {@link AutoInterval#AUTO}.
     */
    public static Checked<Object> interval(String label, Object v) {
        if (v instanceof AutoInterval a) return Checked.ok(a);
        if (v instanceof CharSequence cs && cs.toString().trim().equalsIgnoreCase(AutoInterval.WORD)) return Checked.ok(AutoInterval.AUTO);
        Checked<Duration> d = duration(label, v);   // its messages unchanged: the ones users of a fixed interval know
        return d.isOk() ? Checked.ok(d.value().get()) : Checked.fail(d.error());
    }

    /** A Slurm time limit: a duration, or Slurm's bare number of minutes ({@code 90}, {@code '90'}). */
    public static Checked<Duration> slurmTime(String label, Object v) {
        return duration(label, v, true);
    }

    private static Checked<Duration> duration(String label, Object v, boolean bareNumberIsMinutes) {
        Parsed<Duration> p;
        if (v instanceof Duration d) {
            p = Parsed.ok(d);
        } else if (v instanceof Number n && bareNumberIsMinutes && isWhole(n)) {
            p = Parsed.ok(Duration.ofMinutes(n.longValue()));
        } else if (v instanceof Number && !bareNumberIsMinutes) {
            return Checked.fail(noUnit(label + " " + v, v));
        } else if (v instanceof CharSequence cs) {
            p = Durations.parse(cs.toString(), bareNumberIsMinutes);
        } else {
            return Checked.fail(PolicyDiagnostic.error(label + " expects a duration (" + Durations.FORMS + "), got " + typeOf(v)));
        }
        if (!p.isOk()) {
            if (p.error().equals("has no unit")) return Checked.fail(noUnit(label + " '" + v + "'", String.valueOf(v).trim()));
            return Checked.fail(PolicyDiagnostic.error(label + " '" + v + "' " + p.error(), Durations.FORMS));
        }
        if (p.value().isNegative() || p.value().isZero()) {
            return Checked.fail(PolicyDiagnostic.error(label + " must be longer than zero, got '" + v + "'"));
        }
        return Checked.ok(p.value());
    }

    private static PolicyDiagnostic noUnit(String what, Object number) {
        return PolicyDiagnostic.error(what + " has no unit", "write '" + number + "s' (seconds) or '" + number + "m' (minutes)");
    }

    /** A whole number >= min; digit strings are accepted. */
    public static Checked<Integer> count(String label, Object v, int min) {
        Long n = null;
        if (v instanceof Number num && isWhole(num)) n = num.longValue();
        else if (v instanceof CharSequence cs && cs.toString().trim().matches("-?\\d{1,10}")) n = Long.parseLong(cs.toString().trim());
        if (n == null) {
            return Checked.fail(PolicyDiagnostic.error(label + " expects a whole number, got "
                    + (v instanceof CharSequence ? "'" + v + "'" : typeOf(v))));
        }
        if (n < min) return Checked.fail(PolicyDiagnostic.error(label + " must be at least " + min + ", got " + n));
        if (n > Integer.MAX_VALUE) return Checked.fail(PolicyDiagnostic.error(label + " is too large: " + n));
        return Checked.ok(n.intValue());
    }

    /** Memory in MiB: '4G', '500M', or a bare number of megabytes as in Slurm's --mem. */
    public static Checked<Long> memoryMb(String label, Object v) {
        Parsed<Long> p;
        if (v instanceof Number n && isWhole(n)) {
            if (n.longValue() < 0) return Checked.fail(PolicyDiagnostic.error(label + " must be positive, got " + v));
            p = n.longValue() > 0 ? Parsed.ok(n.longValue()) : Parsed.fail("is zero");
        } else if (v instanceof CharSequence cs) {
            p = Memory.parseMb(cs.toString());
        } else {
            return Checked.fail(PolicyDiagnostic.error(label + " expects a size such as '4G', '500M' or 4096 (MB), got " + typeOf(v)));
        }
        if (!p.isOk()) return Checked.fail(PolicyDiagnostic.error(label + " '" + v + "' " + p.error(), "write e.g. '4G', '500M' or 4096 (MB)"));
        return Checked.ok(p.value());
    }

    /** A signal's canonical name ("USR1"); KILL and STOP are refused because no process can handle them. */
    public static Checked<String> signal(String label, Object v) {
        if (!(v instanceof CharSequence) && !(v instanceof Number)) {
            return Checked.fail(PolicyDiagnostic.error(label + " expects a signal name or number such as 'USR1', got " + typeOf(v)));
        }
        Parsed<String> p = Signals.canonical(v);
        if (!p.isOk()) {
            String raw = String.valueOf(v).toUpperCase(Locale.ROOT).replaceFirst("^SIG", "");
            String message = "unknown signal '" + v + "'" + (label.equals("signal") ? "" : " for " + label);
            return Checked.fail(Suggest.didYouMean(raw, Signals.names())
                    .map(s -> PolicyDiagnostic.error(message, s))
                    .orElseGet(() -> PolicyDiagnostic.error(message + " (e.g. 'USR1', 'SIGTERM' or 10)")));
        }
        if (Signals.untrappable(p.value())) {
            return Checked.fail(PolicyDiagnostic.error(label + " SIG" + p.value() + " cannot be caught or handled by any process",
                    "use a signal such as 'USR1'"));
        }
        return Checked.ok(p.value());
    }

    /**
     * The warning signal: crflow renders it as {@code --signal=B:NAME@lead} and the coordinator must trap it
     * ({@link Signals#warningSignals()}).
     */
    public static Checked<String> warningSignal(String label, Object v) {
        Checked<String> s = signal(label, v);
        if (s.isOk() && !Signals.warningSignals().contains(s.value().get())) {
            List<String> ok = Signals.warningSignals();
            return Checked.fail(new PolicyDiagnostic(dev.crflow.dsl.Severity.ERROR, label + " SIG" + s.value().get()
                    + " cannot be the warning signal (Slurm sends it to the crflow coordinator, which traps only "
                    + String.join(", ", ok.subList(0, ok.size() - 1)) + " and " + ok.get(ok.size() - 1) + ")", Optional.of("use e.g. 'USR1'"), ok));
        }
        return s;
    }

    public static Checked<Engine> engine(Object v) { return named(v, Engine.values(), Engine::dslName, "checkpoint engine"); }

    /** true | false; the strings 'true'/'false' and the numbers 1/0 too (Snakemake resources are numbers or strings). */
    public static Checked<Boolean> bool(String label, Object v) {
        if (v instanceof Boolean b) return Checked.ok(b);
        if (v instanceof Number n && isWhole(n) && (n.longValue() == 0 || n.longValue() == 1)) return Checked.ok(n.longValue() == 1);
        String s = v instanceof CharSequence ? v.toString().trim().toLowerCase(Locale.ROOT) : null;
        if ("true".equals(s) || "1".equals(s)) return Checked.ok(true);
        if ("false".equals(s) || "0".equals(s)) return Checked.ok(false);
        return Checked.fail(oneOf(label + " must be true or false, not '" + v + "'", s, List.of("true", "false")));
    }

    public static Checked<dev.crflow.dsl.model.OnCancel> onCancel(Object v) {
        return named(v, dev.crflow.dsl.model.OnCancel.values(), dev.crflow.dsl.model.OnCancel::dslName, "onCancel");
    }

    public static Checked<dev.crflow.dsl.model.FromScratch> fromScratch(Object v) {
        return named(v, dev.crflow.dsl.model.FromScratch.values(), dev.crflow.dsl.model.FromScratch::dslName, "fromScratch");
    }

    /** One of {@code values} by its DSL name, in any case; else "unknown WHAT 'v'" with the closest name or the list. */
    private static <E> Checked<E> named(Object v, E[] values, java.util.function.Function<E, String> dslName, String what) {
        String s = v instanceof CharSequence ? v.toString().trim() : null;
        if (s != null) {
            for (E e : values) if (dslName.apply(e).equalsIgnoreCase(s)) return Checked.ok(e);
        }
        return Checked.fail(oneOf("unknown " + what + " '" + v + "'", s, Arrays.stream(values).map(dslName).toList()));
    }

    public static Checked<ContainerRuntime> runtime(Object v) {
        String s = v instanceof CharSequence ? v.toString().trim() : null;
        if (s != null) {
            Optional<ContainerRuntime> r = ContainerRuntime.fromDsl(s.toLowerCase(Locale.ROOT));
            if (r.isPresent()) return Checked.ok(r.get());
        }
        return Checked.fail(oneOf("unknown container runtime '" + v + "'", s,
                Arrays.stream(ContainerRuntime.values()).map(ContainerRuntime::dslName).toList()));
    }

    /** "did you mean" when one word is close, else the list of known words. */
    static PolicyDiagnostic oneOf(String message, String given, List<String> known) {
        Optional<String> hint = given == null ? Optional.empty() : Suggest.didYouMean(given, known);
        return hint.map(h -> new PolicyDiagnostic(dev.crflow.dsl.Severity.ERROR, message, Optional.of(h), known))
                .orElseGet(() -> new PolicyDiagnostic(dev.crflow.dsl.Severity.ERROR,
                        message + " (known: " + String.join(", ", known) + ")", Optional.empty(), known));
    }

    /** One state path: relative to the step's workdir and inside it. */
    public static Checked<String> statePath(String label, String p) {
        if (p.startsWith("/")) return Checked.fail(PolicyDiagnostic.error(label + " '" + p + "' must be relative to the step's workdir"));
        if (Arrays.asList(p.split("/")).contains("..")) {
            return Checked.fail(PolicyDiagnostic.error(label + " '" + p + "' must stay inside the step's workdir (no '..')"));
        }
        return Checked.ok(p);
    }

    /** State paths from a list, or from one string separated by commas or whitespace ("a.state, b.state"). */
    public static Checked<List<String>> statePaths(String label, Object v) {
        List<String> raw = new ArrayList<>();
        if (v instanceof Collection<?> c) c.forEach(o -> raw.add(String.valueOf(o).trim()));
        else if (!(v instanceof CharSequence)) return Checked.fail(PolicyDiagnostic.error(label + " expects paths such as 'state.json', got " + typeOf(v)));
        else raw.addAll(Arrays.asList(String.valueOf(v).trim().split("[,\\s]+")));
        List<String> out = new ArrayList<>();
        for (String p : raw) {
            if (p.isEmpty()) continue;
            Checked<String> c = statePath(label, p);
            if (!c.isOk()) return Checked.fail(c.error());
            out.add(p);
        }
        return Checked.ok(out);
    }

    public static String typeOf(Object v) {
        if (v == null) return "null";
        if (v instanceof groovy.lang.Closure) return "a { } block";
        if (v instanceof Map) return "named arguments";
        if (v instanceof Collection) return "a list";
        if (v instanceof CharSequence) return "a string";
        if (v instanceof Number) return "the number " + v;
        if (v instanceof Boolean) return v.toString();
        return "a " + v.getClass().getSimpleName();
    }

    public static boolean isWhole(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte || n instanceof java.math.BigInteger) return true;
        double d = n.doubleValue();
        return d == Math.rint(d) && !Double.isInfinite(d);
    }
}
