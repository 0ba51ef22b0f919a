package dev.crflow.cli;

/** An error meant for the user: its message says what to do next; it carries its exit code. */
public class CrflowException extends RuntimeException {
    private final int exitCode;

    public CrflowException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CrflowException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
