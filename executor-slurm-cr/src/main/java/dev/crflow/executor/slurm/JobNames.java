package dev.crflow.executor.slurm;

import java.util.regex.Pattern;

/**
 * Run-unique Slurm job names: {@code crflow-<run8>-<step>}. The prefix identifies every job of a run, so one
 * {@code squeue} answers for all of them and a restarted driver finds jobs it submitted before it died.
 */
public final class JobNames {
    private static final Pattern STEP = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern RUN = Pattern.compile("[a-z0-9]{8,}");

    private JobNames() {}

    public static String prefix(String runId) {
        if (!RUN.matcher(runId).matches()) throw new IllegalArgumentException("run id must be 8+ lowercase letters/digits: " + runId);
        return "crflow-" + runId.substring(0, 8) + "-";
    }

    public static String forStep(String runId, String step) {
        if (!STEP.matcher(step).matches()) {
            throw new IllegalArgumentException("step name " + Quoting.printable(step) + " must match [A-Za-z0-9._-]+");
        }
        return prefix(runId) + step;
    }

    /** A fresh run id: 12 lowercase hex digits. */
    public static String newRunId() {
        java.security.SecureRandom r = new java.security.SecureRandom();
        return String.format("%012x", r.nextLong() & 0xffffffffffffL);
    }
}
