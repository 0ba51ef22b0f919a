package dev.crflow.coordinator.container;

/** An image reference the runtime could not resolve; the message says what a valid one looks like. */
public final class MalformedImageReferenceException extends IllegalArgumentException {
    public MalformedImageReferenceException(String message) { super(message); }
}
