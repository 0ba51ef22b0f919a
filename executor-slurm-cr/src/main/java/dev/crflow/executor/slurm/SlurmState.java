package dev.crflow.executor.slurm;

import java.util.Locale;
import java.util.Optional;

/**
 * Every job state Slurm prints (squeue {@code %T}/{@code %t}, scontrol {@code JobState=}), each mapped explicitly
 * to a {@link JobPhase}. A state this enum does not know parses to {@link #UNKNOWN}, never to "failed".
 */
public enum SlurmState {
    PENDING("PD", JobPhase.QUEUED),
    CONFIGURING("CF", JobPhase.RUNNING),
    RUNNING("R", JobPhase.RUNNING),
    COMPLETING("CG", JobPhase.RUNNING),
    SIGNALING("SI", JobPhase.RUNNING),
    STAGE_OUT("SO", JobPhase.RUNNING),
    RESIZING("RS", JobPhase.RUNNING),
    REQUEUED("RQ", JobPhase.REQUEUED),
    REQUEUE_HOLD("RH", JobPhase.REQUEUED),
    REQUEUE_FED("RF", JobPhase.REQUEUED),
    SUSPENDED("S", JobPhase.SUSPENDED),
    STOPPED("ST", JobPhase.SUSPENDED),
    RESV_DEL_HOLD("RD", JobPhase.QUEUED),
    COMPLETED("CD", JobPhase.ENDED),
    FAILED("F", JobPhase.FAILED),
    OUT_OF_MEMORY("OOM", JobPhase.FAILED),
    DEADLINE("DL", JobPhase.FAILED),
    /** Held after the job exited with one of RequeueExitHold's codes: needs a human or a release. */
    SPECIAL_EXIT("SE", JobPhase.FAILED),
    /** Ended at its time limit without requeueing itself: whatever was committed is still there. */
    TIMEOUT("TO", JobPhase.LOST),
    /** Preempted and not requeued by Slurm (PreemptMode=CANCEL). */
    PREEMPTED("PR", JobPhase.LOST),
    NODE_FAIL("NF", JobPhase.LOST),
    BOOT_FAIL("BF", JobPhase.LOST),
    /** Federation: the sibling ran elsewhere. */
    REVOKED("RV", JobPhase.LOST),
    CANCELLED("CA", JobPhase.CANCELLED),
    UNKNOWN("?", JobPhase.UNKNOWN);

    private final String code;
    private final JobPhase phase;

    SlurmState(String code, JobPhase phase) {
        this.code = code;
        this.phase = phase;
    }

    public String code() { return code; }

    public JobPhase phase() { return phase; }

    /**
     * Long names ({@code RUNNING}), compact codes ({@code R}) and scontrol's decorated forms
     * ({@code CANCELLED by 0}, {@code RUNNING+}) all parse; anything else is {@link #UNKNOWN}.
     */
    public static SlurmState parse(String text) {
        if (text == null) return UNKNOWN;
        String t = text.strip().toUpperCase(Locale.ROOT);
        int cut = t.indexOf(' ');
        if (cut > 0) t = t.substring(0, cut);
        while (t.endsWith("+") || t.endsWith("*")) t = t.substring(0, t.length() - 1);
        for (SlurmState s : values()) {
            if (s != UNKNOWN && (s.name().equals(t) || s.code.equals(t))) return s;
        }
        return UNKNOWN;
    }

    public static Optional<SlurmState> known(String text) {
        SlurmState s = parse(text);
        return s == UNKNOWN ? Optional.empty() : Optional.of(s);
    }
}
