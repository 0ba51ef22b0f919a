package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Located
import dev.crflow.dsl.internal.Scripts
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

/** The {@code step('name') { … }} block. */
@CompileStatic
class StepContext extends SettingsContext {
    private final Specs.StepDecl step

    StepContext(DslSession session, Specs.StepDecl step) {
        super(session, step)
        this.step = step
    }

    @Override protected String blockName() { 'step' }

    @Override protected List<String> keywords() { Keywords.STEP }

    /** Steps that must complete first: names or a list of names. */
    void after(Object... names) {
        for (String n : session.strings(names, 'after')) step.after.add(new Located<String>(n, session.line()))
    }

    /** A shell command line, run with bash -c in the workdir. */
    void command(Object v) { step.command = session.set(step.command, session.string(v, 'command'), 'command') }

    /** A multi-line bash script; common indentation is removed. */
    void script(Object v) {
        String text = session.string(v, 'script')
        if (text != null) text = Scripts.normalize(text)
        step.script = session.set(step.script, text, 'script')
    }
}
