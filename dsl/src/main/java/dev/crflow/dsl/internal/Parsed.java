package dev.crflow.dsl.internal;

/** A parsed value or the reason it could not be parsed (a message fragment for the user). */
public record Parsed<T>(T value, String error) {
    public static <T> Parsed<T> ok(T value) { return new Parsed<>(value, null); }
    public static <T> Parsed<T> fail(String error) { return new Parsed<>(null, error); }
    public boolean isOk() { return error == null; }
}
