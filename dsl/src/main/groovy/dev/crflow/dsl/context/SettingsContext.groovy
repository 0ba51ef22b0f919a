package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Located
import dev.crflow.dsl.internal.Specs
import dev.crflow.dsl.policy.SbatchOptions
import groovy.transform.CompileStatic

import java.util.regex.Pattern

/** The keywords shared by {@code defaults { }} and {@code step('name') { }}. */
@CompileStatic
abstract class SettingsContext extends DslContext {
    private static final Pattern CONSTRAINT = ~/[A-Za-z0-9_&|!\[\]()*,.:-]+/
    private static final Pattern ENV_NAME = ~/[A-Za-z_][A-Za-z0-9_]*/
    private static final Pattern MODULE = ~/[A-Za-z0-9_.+\/-][A-Za-z0-9_.+\/:@-]*/
    protected final Specs.Settings s

    protected SettingsContext(DslSession session, Specs.Settings settings) {
        super(session)
        this.s = settings
    }

    /** Slurm partition (--partition). */
    void partition(Object v) { s.partition = session.set(s.partition, session.slurmWord(v, 'partition'), 'partition') }

    /** Slurm account to charge (--account). */
    void account(Object v) { s.account = session.set(s.account, session.slurmWord(v, 'account'), 'account') }

    /** Slurm quality of service (--qos). */
    void qos(Object v) { s.qos = session.set(s.qos, session.slurmWord(v, 'qos'), 'qos') }

    /** Slurm node features (--constraint), e.g. 'cpu' or 'gpu&hbm80g'. */
    void constraint(Object v) {
        String c = session.string(v, 'constraint')
        if (c != null && !CONSTRAINT.matcher(c).matches()) {
            session.error("constraint '${c}' contains characters Slurm does not accept in a feature expression".toString())
            c = null
        }
        s.constraint = session.set(s.constraint, c, 'constraint')
    }

    /** Folder the step runs in; relative to the workflow file's folder. */
    void workdir(Object v) {
        String w = session.string(v, 'workdir')
        if (w != null && w.startsWith('~')) {
            session.error("workdir '${w}': '~' is not expanded; write the full path or a path relative to the workflow file".toString())
            w = null
        }
        s.workdir = session.set(s.workdir, w, 'workdir')
    }

    /** Time limit of one attempt (--time): '01:00:00', '90m', '2-00:00:00'; a bare number is minutes, as in Slurm. */
    void time(Object v) { s.time = session.set(s.time, session.duration(v, 'time', true), 'time') }

    /** Minimum time limit Slurm may shorten an attempt to for backfill (--time-min). */
    void timeMin(Object v) { s.timeMin = session.set(s.timeMin, session.duration(v, 'timeMin', true), 'timeMin') }

    /** Number of nodes (--nodes), at least 1. */
    void nodes(Object v) { s.nodes = session.set(s.nodes, session.count(v, 'nodes', 1), 'nodes') }

    /** Number of tasks (--ntasks), at least 1. */
    void ntasks(Object v) { s.ntasks = session.set(s.ntasks, session.count(v, 'ntasks', 1), 'ntasks') }

    /** CPUs per task (--cpus-per-task), at least 1. */
    void cpusPerTask(Object v) { s.cpusPerTask = session.set(s.cpusPerTask, session.count(v, 'cpusPerTask', 1), 'cpusPerTask') }

    /** Memory per node (--mem): '4G', '500M', 4096 (MB). */
    void mem(Object v) { s.memMb = session.set(s.memMb, session.memory(v, 'mem'), 'mem') }

    /** Environment variables: {@code env OMP_NUM_THREADS: '2', FOO: 'bar'}. */
    void env(Map vars) {
        for (Map.Entry e : (Set<Map.Entry>) vars.entrySet()) envVar(e.key, e.value)
    }

    /** One environment variable: {@code env 'OMP_NUM_THREADS', '2'}. */
    void env(Object name, Object value) { envVar(name, value) }

    private void envVar(Object name, Object value) {
        if (DslSession.unresolved(name) || DslSession.unresolved(value)) return
        String n = name instanceof CharSequence ? name.toString() : null
        if (n == null || !ENV_NAME.matcher(n).matches()) {
            session.error("env name '${name}' is not a valid variable name (letters, digits and '_', not starting with a digit)".toString())
            return
        }
        if (n.startsWith('CRFLOW_')) {
            session.error("env ${n}: names starting with CRFLOW_ are reserved for crflow".toString())
            return
        }
        if (n.startsWith('SLURM_')) session.warning("env ${n}: Slurm sets SLURM_ variables itself; this value may be overwritten".toString())
        if (!(value instanceof CharSequence || value instanceof Number || value instanceof Boolean)) {
            session.error("env ${n} expects a string or number value, got ${value == null ? 'null' : value.getClass().simpleName}".toString())
            return
        }
        String text = value.toString()
        if (text.contains('\u0000')) {
            session.error("env ${n} contains a NUL character".toString())
            return
        }
        s.env.put(n, new Located<String>(text, session.line()))
    }

    /** Environment modules loaded (module load) before the step, in order. */
    void modules(Object... names) {
        for (String m : session.strings(names, 'modules')) {
            if (!MODULE.matcher(m).matches() || m.startsWith('-')) {
                session.error("module name '${m}' contains whitespace or shell characters".toString())
            } else {
                s.modules.add(new Located<String>(m, session.line()))
            }
        }
    }

    /** Extra sbatch options, one per argument: {@code sbatch '--exclusive', '--gres=gpu:1'}. */
    void sbatch(Object... options) {
        for (String o : session.strings(options, 'sbatch')) {
            SbatchOptions.Checked c = SbatchOptions.check(o)
            if (c.error() != null) session.error(c.error())
            else s.sbatch.add(new Located<String>(o, session.line()))
        }
    }

    /** How the step is checkpointed, signalled and requeued. */
    void checkpoint(@DelegatesTo(value = CheckpointContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        s.checkpoint = Blocks.checkpoint(session, s.checkpoint, body)
    }

    /** The container the step (and its checkpoint engine) runs in. */
    void container(Object image, @DelegatesTo(value = ContainerContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        s.container = Blocks.container(session, s.container, image, body)
    }

    /** A container with every setting inherited (runtime from defaults). */
    void container(Object image) {
        s.container = Blocks.container(session, s.container, image, null)
    }

    /** Application failures tolerated (reruns), separate from checkpoint { maxRestarts }. */
    void retry(Object v) { s.retry = Blocks.retry(session, s.retry, v) }
}
