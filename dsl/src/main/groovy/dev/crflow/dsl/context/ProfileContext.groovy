package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

/** The {@code profile('name') { … }} block. */
@CompileStatic
class ProfileContext extends DslContext {
    private final Specs.ProfileDecl decl

    ProfileContext(DslSession session, Specs.ProfileDecl decl) {
        super(session)
        this.decl = decl
    }

    @Override protected String blockName() { 'profile' }

    @Override protected List<String> keywords() { Keywords.PROFILE }

    /** Defaults applied over the workflow's defaults when this profile is chosen. */
    void defaults(@DelegatesTo(value = DefaultsContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        session.runBlock(body, new DefaultsContext(session, decl.defaults))
    }
}
