package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

/** The {@code defaults { … }} block (in a workflow or in a profile): settings every step inherits. */
@CompileStatic
class DefaultsContext extends SettingsContext {
    DefaultsContext(DslSession session, Specs.Settings settings) { super(session, settings) }

    @Override protected String blockName() { 'defaults' }

    @Override protected List<String> keywords() { Keywords.SETTINGS }
}
