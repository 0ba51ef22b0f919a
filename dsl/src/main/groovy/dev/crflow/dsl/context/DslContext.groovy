package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import groovy.transform.CompileStatic

/**
 * Base of every block's context. A block's closure runs with this object as its only delegate
 * (Closure.DELEGATE_ONLY): a name that is not one of the block's keywords is reported here, with the
 * closest keyword, instead of silently resolving against the script.
 * Properties are intercepted too, so no internal field is reachable from a block.
 */
@CompileStatic
abstract class DslContext {
    protected final DslSession session

    protected DslContext(DslSession session) {
        this.session = session
    }

    /** As it appears in messages: "step", "checkpoint", … */
    protected abstract String blockName()

    protected abstract List<String> keywords()

    def methodMissing(String name, Object args) {
        session.unknownKeyword(blockName(), name, keywords(), true, args)
        return DslSession.UNRESOLVED
    }

    @Override
    Object getProperty(String name) {
        session.unknownKeyword(blockName(), name, keywords(), false, null)
        return DslSession.UNRESOLVED
    }

    @Override
    void setProperty(String name, Object value) {
        session.assignment(blockName(), name, keywords())
    }
}
