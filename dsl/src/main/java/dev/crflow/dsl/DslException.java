package dev.crflow.dsl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A DSL file was rejected. Checked on purpose: every caller (CLI, executor, Nextflow and Snakemake
 * bridges) must decide what the user sees. Carries every diagnostic of the file, errors and warnings,
 * ordered by line; {@link #getMessage()} is all of them, one {@code FILE:LINE: message} per line.
 */
public class DslException extends Exception {
    private final List<Diagnostic> diagnostics;

    public DslException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** All diagnostics of the file (at least one error), ordered by line. */
    public List<Diagnostic> diagnostics() { return diagnostics; }

    /** Only the errors. */
    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
