package dev.crflow.dsl.model;

/**
 * What the coordinator does when work was done but no usable generation exists (every generation fails verification,
 * or the first stop checkpoint failed). DSL spelling: {@code fromScratch 'refuse'} (the default: the step ends FAILED,
 * since crflow cannot tell "nothing done yet" from "work done in files it was not told about") or
 * {@code fromScratch 'allow'} (the application keeps all of its state in the declared {@code state} files: put them back
 * to their pre-launch state and start over, said loudly and counted as lost work).
 */
public enum FromScratch {
    REFUSE, ALLOW;

    public String dslName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
