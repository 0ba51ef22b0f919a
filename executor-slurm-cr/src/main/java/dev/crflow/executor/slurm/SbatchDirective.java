package dev.crflow.executor.slurm;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code #SBATCH} option as data: the option ({@code --time}) and its value, if any.
 * {@link #render()} is the only place an {@code #SBATCH} line is written.
 */
public record SbatchDirective(String option, Optional<String> value) {
    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z0-9-]*|-[A-Za-z]");

    public SbatchDirective {
        if (!OPTION.matcher(option).matches()) {
            throw new IllegalArgumentException("not an sbatch option: " + Quoting.printable(option));
        }
        value.ifPresent(Quoting::requireNoControlCharacters);
    }

    public static SbatchDirective flag(String option) { return new SbatchDirective(option, Optional.empty()); }

    public static SbatchDirective of(String option, String value) { return new SbatchDirective(option, Optional.of(value)); }

    /** {@code #SBATCH --option='value'} (long options) or {@code #SBATCH -x 'value'} (short options). */
    public String render() {
        if (value.isEmpty()) return "#SBATCH " + option;
        String quoted = Quoting.sbatch(value.get());
        return option.startsWith("--") ? "#SBATCH " + option + "=" + quoted : "#SBATCH " + option + " " + quoted;
    }

    /** The same option as a command-line argument list for {@code sbatch} itself (no quoting needed). */
    public java.util.List<String> asArguments() {
        if (value.isEmpty()) return java.util.List.of(option);
        return option.startsWith("--") ? java.util.List.of(option + "=" + value.get()) : java.util.List.of(option, value.get());
    }
}
