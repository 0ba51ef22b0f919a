package dev.crflow.dsl.model;

/**
 * What the coordinator does when a user cancels the step's job ({@code scancel JOBID}): the step ends CANCELLED
 * either way, never requeued. DSL spelling: {@code onCancel 'checkpoint'} (the default: a last generation, so a
 * later {@code crflow run} resumes from where the cancel found it) or {@code onCancel 'stop'} (end at once).
 */
public enum OnCancel {
    CHECKPOINT, STOP;

    public String dslName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
