package dev.crflow.dsl;

/**
 * One problem found in a DSL file.
 *
 * @param file     the file as the user named it (e.g. "runs/g4.groovy")
 * @param line     1-based line of the offending call; 0 when the problem concerns the whole file
 * @param severity ERROR (the file is rejected) or WARNING (reported, the file still loads)
 * @param message  what is wrong and what to write instead; no location, no "warning:" prefix
 */
public record Diagnostic(String file, int line, Severity severity, String message) {

    public boolean isError() { return severity == Severity.ERROR; }

    /** Exactly {@code FILE:LINE: message} ({@code FILE: message} when the line is 0). */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }

    /** What the CLI prints: like {@link #toString()}, with "warning: " before the message of a warning. */
    public String format() {
        String text = severity == Severity.WARNING ? "warning: " + message : message;
        return line > 0 ? file + ":" + line + ": " + text : file + ": " + text;
    }
}
