package dev.crflow.dsl;

import dev.crflow.dsl.model.Workflow;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of checking a file without throwing: the workflow when there is no error, and every
 * diagnostic (errors and warnings) ordered by line.
 */
public record LoadResult(Optional<Workflow> workflow, List<Diagnostic> diagnostics) {
    public LoadResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() { return workflow.isPresent(); }

    public List<Diagnostic> errors() { return diagnostics.stream().filter(Diagnostic::isError).toList(); }

    public List<Diagnostic> warnings() { return diagnostics.stream().filter(d -> !d.isError()).toList(); }

    /** The workflow, or a DslException carrying every diagnostic. */
    public Workflow orThrow() throws DslException {
        if (workflow.isEmpty()) throw new DslException(diagnostics);
        return workflow.get();
    }
}
