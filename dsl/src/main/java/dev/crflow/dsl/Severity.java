package dev.crflow.dsl;

/** How bad a {@link Diagnostic} is: an ERROR stops the file from loading, a WARNING never does. */
public enum Severity { ERROR, WARNING }
