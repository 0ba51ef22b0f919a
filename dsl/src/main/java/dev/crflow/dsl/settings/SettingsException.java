package dev.crflow.dsl.settings;

/** A settings file named but missing, or not valid: the message holds every located error (FILE:LINE: …). */
public final class SettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) { super(message); }
}
