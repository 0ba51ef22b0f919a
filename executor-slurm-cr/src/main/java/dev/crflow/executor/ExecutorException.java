package dev.crflow.executor;

/** The executor could not do what was asked. {@link #environment()}: the cluster/tooling is the problem, not the step. */
public class ExecutorException extends Exception {
    private final boolean environment;

    public ExecutorException(String message, boolean environment, Throwable cause) {
        super(message, cause);
        this.environment = environment;
    }

    public ExecutorException(String message, boolean environment) {
        this(message, environment, null);
    }

    public boolean environment() { return environment; }
}
