package dev.crflow.dsl.policy;

import dev.crflow.dsl.Severity;

import java.util.List;
import java.util.Optional;

/**
 * One problem with a checkpoint-policy value, before any front end adds where it was written (the DSL adds
 * FILE:LINE, Nextflow the process name, Snakemake the resource name).
 *
 * @param severity   ERROR: the value is refused; WARNING: reported, the value is used
 * @param message    what is wrong, naming the key as the user spelled it ("lead 60 has no unit")
 * @param suggestion what to write instead ("did you mean 'interval'?", "write '60s' (seconds) or '60m' (minutes)")
 * @param known      the accepted words, when the value had to be one of a list (engines, keys); else empty
 * @param line       the line of the setting it is about, as the caller gave it to {@link PolicyResolver} (the
 *                   DSL's line numbers); 0 when the front end has no lines
 */
public record PolicyDiagnostic(Severity severity, String message, Optional<String> suggestion, List<String> known, int line) {
    public PolicyDiagnostic {
        known = List.copyOf(known);
    }

    public PolicyDiagnostic(Severity severity, String message, Optional<String> suggestion, List<String> known) {
        this(severity, message, suggestion, known, 0);
    }

    public static PolicyDiagnostic error(String message) {
        return new PolicyDiagnostic(Severity.ERROR, message, Optional.empty(), List.of());
    }

    public static PolicyDiagnostic error(String message, String suggestion) {
        return new PolicyDiagnostic(Severity.ERROR, message, Optional.of(suggestion), List.of());
    }

    public static PolicyDiagnostic warning(String message) {
        return new PolicyDiagnostic(Severity.WARNING, message, Optional.empty(), List.of());
    }

    /** The same diagnostic about the setting on {@code line}. */
    public PolicyDiagnostic at(int line) {
        return new PolicyDiagnostic(severity, message, suggestion, known, line);
    }

    public boolean isError() { return severity == Severity.ERROR; }

    /**
     * The DSL's one-line form: a "did you mean" follows after "; ", any other suggestion after ": "
     * ("lead 60 has no unit: write '60s' (seconds) or '60m' (minutes)").
     */
    public String text() {
        return message + suggestion.map(s -> (s.startsWith("did you mean") ? "; " : ": ") + s).orElse("");
    }

    /** {@code a, b or c}: for front ends that list the accepted words in prose. */
    public static String orList(List<String> words) {
        if (words.size() <= 1) return String.join("", words);
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }
}
