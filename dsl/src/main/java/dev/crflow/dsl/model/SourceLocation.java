package dev.crflow.dsl.model;

/** Where something was declared, for messages of the form FILE:LINE: message. */
public record SourceLocation(String file, int line) {
    @Override public String toString() { return file + ":" + line; }
}
