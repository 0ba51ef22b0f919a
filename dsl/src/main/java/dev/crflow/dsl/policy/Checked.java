package dev.crflow.dsl.policy;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A value read from user input, or why it could not be read. A value may come with warnings.
 *
 * @param value       present when the input was accepted
 * @param diagnostics the errors (then no value) and warnings
 */
public record Checked<T>(Optional<T> value, List<PolicyDiagnostic> diagnostics) {
    public Checked {
        diagnostics = List.copyOf(diagnostics);
    }

    public static <T> Checked<T> ok(T value) { return new Checked<>(Optional.of(value), List.of()); }

    public static <T> Checked<T> fail(PolicyDiagnostic error) { return new Checked<>(Optional.empty(), List.of(error)); }

    public boolean isOk() { return value.isPresent(); }

    /** The first error; only call when {@link #isOk()} is false. */
    public PolicyDiagnostic error() {
        return diagnostics.stream().filter(PolicyDiagnostic::isError).findFirst().orElseThrow();
    }

    /** The value, or an exception made by the front end from the first error (its own wording and type). */
    public <X extends RuntimeException> T orElseThrow(Function<PolicyDiagnostic, X> exception) {
        if (value.isPresent()) return value.get();
        throw exception.apply(error());
    }
}
