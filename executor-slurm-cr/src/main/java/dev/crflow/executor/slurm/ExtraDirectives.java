package dev.crflow.executor.slurm;

import dev.crflow.dsl.policy.SbatchOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user's extra {@code sbatch '...'} strings, parsed into directives and checked against what crflow
 * manages itself. The DSL validates them already; this is the executor's own guard, because other front
 * ends (Nextflow clusterOptions, Snakemake) reach the renderer without the DSL.
 */
public final class ExtraDirectives {
    /**
     * The option when crflow renders it itself (requeue, signals, logs, job tracking, the time limit lowered to
     * the budget): a user value would break them. The one list is the DSL's, so {@code crflow check} refuses
     * exactly what the renderer would.
     */
    public static Optional<SbatchOptions.Managed> managed(String option) {
        return SbatchOptions.managed(option).filter(m -> m.scope() == SbatchOptions.Scope.EVERYWHERE);
    }

    private static final Pattern LONG = Pattern.compile("(--[a-z][a-z0-9-]*)(?:=(.*))?", Pattern.DOTALL);
    private static final Pattern SHORT = Pattern.compile("(-[A-Za-z])(?:\\s+(.*)|(.+))?", Pattern.DOTALL);

    private ExtraDirectives() {}

    public static List<SbatchDirective> parse(List<String> extras) {
        List<SbatchDirective> out = new ArrayList<>();
        for (String extra : extras) out.add(parse(extra));
        return out;
    }

    /** {@code --exclusive}, {@code --gres=gpu:1}, {@code --gres gpu:1}, {@code -C knl}. */
    public static SbatchDirective parse(String extra) {
        String text = extra.strip();
        Quoting.requireNoControlCharacters(text);
        String option;
        Optional<String> value;
        int space = text.indexOf(' ');
        Matcher m = LONG.matcher(space > 0 && !text.substring(0, space).contains("=") ? text.substring(0, space) : text);
        if (text.startsWith("--") && m.matches()) {
            option = m.group(1);
            if (m.group(2) != null) value = Optional.of(m.group(2));
            else if (space > 0) value = Optional.of(text.substring(space + 1).strip());
            else value = Optional.empty();
        } else {
            Matcher s = SHORT.matcher(text);
            if (!s.matches()) {
                throw new IllegalArgumentException("extra sbatch directive " + Quoting.printable(extra)
                        + " is not an option; write it as on the sbatch command line, e.g. '--exclusive' or '--gres=gpu:1'");
            }
            option = s.group(1);
            String v = s.group(2) != null ? s.group(2) : s.group(3);
            value = Optional.ofNullable(v).map(String::strip);
        }
        Optional<SbatchOptions.Managed> managed = managed(option);
        if (managed.isPresent()) {
            throw new IllegalArgumentException("extra sbatch directive " + option
                    + " is managed by crflow (" + managed.get().reason() + "); remove it");
        }
        return new SbatchDirective(option, value);
    }
}
