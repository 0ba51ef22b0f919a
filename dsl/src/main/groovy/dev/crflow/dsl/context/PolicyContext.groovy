package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

import java.util.regex.Pattern

/** The top-level {@code policy { … }} block: rules for processes/rules of external engines. */
@CompileStatic
class PolicyContext extends DslContext {
    private static final Pattern GLOB = ~/[A-Za-z0-9._:*?-]+/

    PolicyContext(DslSession session) { super(session) }

    @Override protected String blockName() { 'policy' }

    @Override protected List<String> keywords() { Keywords.POLICY }

    /** {@code match('sim*') { … }}: '*' any run of characters, '?' one; the first matching rule wins. */
    void match(Object glob, @DelegatesTo(value = MatchContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        int line = session.line()
        String g = session.string(glob, 'match')
        if (g != null && !GLOB.matcher(g).matches()) {
            session.error("match '${g}' may only contain letters, digits, '.', '_', '-', ':' and the wildcards '*' and '?'".toString())
            g = null
        }
        Specs.RuleDecl rule = new Specs.RuleDecl(g, line)
        if (g != null) session.rules.add(rule)
        session.runBlock(body, new MatchContext(session, rule))
    }
}
