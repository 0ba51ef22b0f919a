package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

/** The {@code match('glob') { … }} block of a policy. */
@CompileStatic
class MatchContext extends DslContext {
    private final Specs.RuleDecl rule

    MatchContext(DslSession session, Specs.RuleDecl rule) {
        super(session)
        this.rule = rule
    }

    @Override protected String blockName() { 'match' }

    @Override protected List<String> keywords() { Keywords.MATCH }

    void checkpoint(@DelegatesTo(value = CheckpointContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        rule.checkpoint = Blocks.checkpoint(session, rule.checkpoint, body)
    }

    void container(Object image, @DelegatesTo(value = ContainerContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        rule.container = Blocks.container(session, rule.container, image, body)
    }

    void container(Object image) { rule.container = Blocks.container(session, rule.container, image, null) }

    void retry(Object v) { rule.retry = Blocks.retry(session, rule.retry, v) }
}
