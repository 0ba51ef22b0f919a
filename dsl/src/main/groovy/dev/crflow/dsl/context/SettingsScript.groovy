package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.SettingsCompiler

/** The base class of a crflow settings file: one top-level keyword, {@code settings { … }}. */
abstract class SettingsScript extends Script {
    void settings(@DelegatesTo(value = SiteSettingsContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        DslSession session = DslSession.current()
        SettingsCompiler.current().blocks++
        session.runBlock(body, new SiteSettingsContext(session, SettingsCompiler.current()))
    }

    def methodMissing(String name, Object args) {
        DslSession.current().unknownKeyword('top level of a settings file', name, ['settings'], true, args)
        return DslSession.UNRESOLVED
    }

    def propertyMissing(String name) {
        if (name == 'out') throw new MissingPropertyException(name, getClass())
        DslSession.current().unknownKeyword('top level of a settings file', name, ['settings'], false, null)
        return DslSession.UNRESOLVED
    }
}
