package dev.crflow.dsl.internal;

/** A value with the line it was set on, so checks made after the script ran still name the right line. */
public record Located<T>(T value, int line) {}
