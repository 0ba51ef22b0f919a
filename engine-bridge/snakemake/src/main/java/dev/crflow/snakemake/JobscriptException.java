package dev.crflow.snakemake;

/** A jobscript that is not what Snakemake writes: the message names what is missing. */
public final class JobscriptException extends RuntimeException {
    public JobscriptException(String message) { super(message); }
    public JobscriptException(String message, Throwable cause) { super(message, cause); }
}
