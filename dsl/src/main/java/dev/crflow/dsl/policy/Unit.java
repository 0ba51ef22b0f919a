package dev.crflow.dsl.policy;

/**
 * What kind of value a setting takes, and so how it is read (see docs/dsl.md, "Values"). The one rule for
 * bare numbers: only {@link #SLURM_TIME} and {@link #MEMORY} give them a unit, the one Slurm itself assumes
 * (minutes for --time, megabytes for --mem); a bare number for a {@link #DURATION} is an error in every front end.
 */
public enum Unit {
    /** A duration with a unit ('90s', '15m', '1h30m', '01:00:00'); a bare number is refused as ambiguous. */
    DURATION,
    /** The periodic checkpoint interval: a {@link #DURATION}, or 'auto' ({@link dev.crflow.dsl.model.AutoInterval}). */
    INTERVAL,
    /** A Slurm time limit: as {@link #DURATION}, plus Slurm's bare number of minutes. */
    SLURM_TIME,
    /** A whole number, with a minimum. */
    COUNT,
    /** A signal an application can catch ('USR1', 'SIGTERM', 10). */
    SIGNAL,
    /** A signal Slurm's --signal can send by name, and an application can catch. */
    WARNING_SIGNAL,
    /** Memory as Slurm's --mem takes it ('4G', '500M'); a bare number is megabytes, as in Slurm. */
    MEMORY,
    /** A checkpoint engine, one of {@link dev.crflow.dsl.model.Engine}. */
    ENGINE,
    /** A container runtime, one of {@link dev.crflow.dsl.model.ContainerRuntime}. */
    RUNTIME,
    /** Paths relative to the step's workdir. */
    PATHS,
    /** What a user's cancel does, one of {@link dev.crflow.dsl.model.OnCancel}. */
    ON_CANCEL,
    /** true or false (also 'true'/'false', 1/0: Snakemake resources are numbers or strings). */
    BOOLEAN,
    /** Starting over when no generation is usable, one of {@link dev.crflow.dsl.model.FromScratch}. */
    FROM_SCRATCH
}
