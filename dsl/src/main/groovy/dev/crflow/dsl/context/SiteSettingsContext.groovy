package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Located
import dev.crflow.dsl.internal.SettingsDecl
import groovy.transform.CompileStatic

import java.time.Duration
import java.util.regex.Pattern

/**
 * {@code settings { … }} of a site or user settings file: defaults a workflow's own values override. Same value
 * rules as the workflow DSL (partition, account, qos, engine, modules), plus the site matters of where control
 * directories live, how long a checkpoint needs, and how often attempts are interrupted.
 */
@CompileStatic
class SiteSettingsContext extends DslContext {
    static final List<String> KEYWORDS = ['partition', 'account', 'qos', 'engine', 'modules', 'controlRoot', 'grace', 'interruptionRate']
    private static final Pattern MODULE = ~/[A-Za-z0-9_.+\/-][A-Za-z0-9_.+\/:@-]*/
    private final SettingsDecl d

    SiteSettingsContext(DslSession session, SettingsDecl decl) {
        super(session)
        this.d = decl
    }

    @Override protected String blockName() { 'settings' }

    @Override protected List<String> keywords() { KEYWORDS }

    /** Default Slurm partition. */
    void partition(Object v) { d.partition = session.set(d.partition, session.slurmWord(v, 'partition'), 'partition') }

    /** Default Slurm account. */
    void account(Object v) { d.account = session.set(d.account, session.slurmWord(v, 'account'), 'account') }

    /** Default Slurm QOS. */
    void qos(Object v) { d.qos = session.set(d.qos, session.slurmWord(v, 'qos'), 'qos') }

    /** The checkpoint engine this site uses (what {@code crflow doctor --probe} exercises). */
    void engine(Object v) { d.engine = session.set(d.engine, session.engine(v), 'engine') }

    /** Environment modules loaded before every step, e.g. the one that provides DMTCP or CRIU. */
    void modules(Object... names) {
        for (String m : session.strings(names, 'modules')) {
            if (!MODULE.matcher(m).matches() || m.startsWith('-')) {
                session.error("module name '${m}' contains whitespace or shell characters".toString())
            } else {
                d.modules.add(new Located<String>(m, session.line()))
            }
        }
    }

    /** Control directories' root on storage every compute node mounts: absolute; $USER and $HOME are expanded. */
    void controlRoot(Object v) {
        String s = session.string(v, 'controlRoot')
        if (s != null && !(s.startsWith('/') || s.startsWith('$HOME') || s.startsWith('${HOME}'))) {
            session.error("controlRoot '${s}' must be an absolute path (or start with \$HOME)".toString())
            s = null
        }
        d.controlRoot = session.set(d.controlRoot, s, 'controlRoot')
    }

    /** How long a checkpoint needs before the time limit: the warning lead to ask Slurm for. */
    void grace(Object v) {
        Duration g = session.duration(v, 'grace', false)
        if (g != null && (g.isZero() || g.isNegative())) {
            session.error('grace must be longer than 0s')
            g = null
        }
        d.grace = session.set(d.grace, g, 'grace')
    }

    /** Prior chance (0 to 1, exclusive) that an attempt ends early through preemption or a lost node. */
    void interruptionRate(Object v) {
        if (DslSession.unresolved(v)) return
        if (!(v instanceof Number) || ((Number) v).doubleValue() < 0d || ((Number) v).doubleValue() >= 1d) {
            session.error("interruptionRate expects a number from 0 up to (not including) 1, got ${v}".toString())
            return
        }
        d.interruptionRate = session.set(d.interruptionRate, ((Number) v).doubleValue(), 'interruptionRate')
    }
}
