package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Durations
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Located
import dev.crflow.dsl.internal.Specs
import dev.crflow.dsl.policy.PolicyValues
import dev.crflow.dsl.policy.Suggest
import groovy.transform.CompileStatic

import java.time.Duration

/** The {@code checkpoint { … }} block. */
@CompileStatic
class CheckpointContext extends DslContext {
    /** Slurm's --signal takes the lead time in seconds, up to 0xffff. */
    private static final long MAX_LEAD_SECONDS = 65535
    private final Specs.CheckpointDecl c

    CheckpointContext(DslSession session, Specs.CheckpointDecl c) {
        super(session)
        this.c = c
    }

    @Override protected String blockName() { 'checkpoint' }

    @Override protected List<String> keywords() { Keywords.CHECKPOINT }

    /** dmtcp | criu | signal | none. */
    void engine(Object v) { c.engine = session.set(c.engine, session.engine(v), 'engine') }

    /** A user's scancel: 'checkpoint' (default, a last generation to resume from) or 'stop'; the step ends CANCELLED. */
    void onCancel(Object v) { c.onCancel = session.set(c.onCancel, session.onCancel(v), 'onCancel') }

    /** No usable generation after work was done: 'refuse' (default, the step ends FAILED) or 'allow' (start over from the declared state files' pre-launch state). */
    void fromScratch(Object v) { c.fromScratch = session.set(c.fromScratch, session.fromScratch(v), 'fromScratch') }

    /** Engine 'criu': whether a checkpoint writes only the pages changed since the previous generation (default true). */
    void incremental(Object v) { c.incremental = session.set(c.incremental, session.bool(v, 'incremental'), 'incremental') }

    /**
     * Periodic checkpoint interval ('5m'), or 'auto': the coordinator picks it from the measured checkpoint cost and
     * interruption rate; without it, checkpoints happen only on the warning signal.
     */
    void interval(Object v) { c.interval = session.set(c.interval, session.interval(v, 'interval'), 'interval') }

    /** The warning signal Slurm sends before the time limit (--signal=B:SIG@lead). */
    void signal(Object name) { c.signal = session.set(c.signal, session.signal(name, 'signal'), 'signal') }

    /** {@code signal 'USR1', lead: '60s'}. */
    void signal(Map options, Object name) {
        signal(name)
        signalOptions(options)
    }

    /** {@code signal lead: '90s'}: the default signal with another lead time. */
    void signal(Map options) { signalOptions(options) }

    private void signalOptions(Map options) {
        // a plain loop: a closure here would reach the fields through getProperty, which reports unknown keywords
        for (Map.Entry e : (Set<Map.Entry>) options.entrySet()) {
            Object k = e.key
            Object v = e.value
            if (k != 'lead') {
                String hint = Suggest.closest(String.valueOf(k), ['lead']).map { String x -> "; did you mean '${x}'?".toString() }.orElse(" (the only option is lead)")
                session.error("unknown option '${k}' for signal${hint}".toString())
                continue
            }
            Duration lead = session.duration(v, 'lead', false)
            if (lead != null && lead.seconds > MAX_LEAD_SECONDS) {
                session.error("lead '${v}' is longer than Slurm allows (65535 seconds, about 18h)".toString())
                lead = null
            }
            c.lead = session.set(c.lead, lead, 'lead')
        }
    }

    /** Engine 'signal': the signal sent to the application so that it writes its checkpoint. */
    void forward(Object v) { c.forward = session.set(c.forward, session.signal(v, 'forward'), 'forward') }

    /** Engine 'signal': files and folders (relative to the workdir) kept as a checkpoint generation. */
    void state(Object... paths) {
        if (c.state == null) c.state = new ArrayList<Located<String>>()
        for (String p : session.strings(paths, 'state')) {
            String ok = session.report(PolicyValues.statePath('state', p))
            if (ok != null) c.state.add(new Located<String>(ok, session.line()))
        }
    }

    /** Checkpoint generations kept, at least 1. */
    void keep(Object v) { c.keep = session.set(c.keep, session.count(v, 'keep', 1), 'keep') }

    /** Requeues allowed after a walltime, preemption or lost node; 0 disables requeueing. */
    void maxRestarts(Object v) { c.maxRestarts = session.set(c.maxRestarts, session.count(v, 'maxRestarts', 0), 'maxRestarts') }

    /** Compress committed generations (zstd) in the background while the application runs; never delays a checkpoint. */
    void compress(Object v) { c.compress = session.set(c.compress, session.bool(v, 'compress'), 'compress') }

    /** Store committed generations as content-defined chunks, each kept once per step and shared by generations. */
    void dedup(Object v) { c.dedup = session.set(c.dedup, session.bool(v, 'dedup'), 'dedup') }

    /** Compute budget summed over all attempts ('72h'). */
    void totalTime(Object v) { c.totalTime = session.set(c.totalTime, session.duration(v, 'totalTime', false), 'totalTime') }
}
