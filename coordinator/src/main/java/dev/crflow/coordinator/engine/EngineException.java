package dev.crflow.coordinator.engine;

/** The engine cannot do what was asked; the message says what to do about it. */
public class EngineException extends Exception {
    public EngineException(String message) { super(message); }
    public EngineException(String message, Throwable cause) { super(message, cause); }
}
