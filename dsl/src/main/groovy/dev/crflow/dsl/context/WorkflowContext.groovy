package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

/** The {@code workflow('name') { … }} block. */
@CompileStatic
class WorkflowContext extends DslContext {
    private final Specs.WorkflowDecl decl

    WorkflowContext(DslSession session, Specs.WorkflowDecl decl) {
        super(session)
        this.decl = decl
    }

    @Override protected String blockName() { 'workflow' }

    @Override protected List<String> keywords() { Keywords.WORKFLOW }

    /** Settings every step inherits; a step overrides them. Several defaults blocks add up. */
    void defaults(@DelegatesTo(value = DefaultsContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        session.runBlock(body, new DefaultsContext(session, decl.defaults))
    }

    /** {@code profile('name') { defaults { … } }}: defaults applied on top of the workflow's with --profile name. */
    void profile(Object name, @DelegatesTo(value = ProfileContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        int line = session.line()
        String checked = session.name(name, 'profile')
        Specs.ProfileDecl p = new Specs.ProfileDecl(checked ?: 'invalid', line)
        if (checked != null) decl.profiles.add(p)
        session.runBlock(body, new ProfileContext(session, p))
    }

    /** {@code step('name') { … }}: one unit of work, submitted as one Slurm job (requeued as needed). */
    void step(Object name, @DelegatesTo(value = StepContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        int line = session.line()
        String checked = session.name(name, 'step')
        Specs.StepDecl step = new Specs.StepDecl(checked ?: 'invalid', line)
        if (checked != null) decl.steps.add(step)
        step.hadErrors = session.runStepBlock(body, new StepContext(session, step), step.name)
    }
}
