package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Specs

/**
 * The base class of every crflow DSL file: its two top-level keywords. Everything else in the file is
 * plain Groovy (variables, loops, string interpolation).
 */
abstract class WorkflowScript extends Script {

    /** {@code workflow('name') { defaults { … }; profile('p') { … }; step('s') { … } }}: one per file. */
    void workflow(Object name, @DelegatesTo(value = WorkflowContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        DslSession session = DslSession.current()
        int line = session.line()
        if (session.workflow != null) {
            session.error("a file holds one workflow; the first one is declared on line ${session.workflow.line}".toString())
            return
        }
        String checked = session.name(name, 'workflow')
        Specs.WorkflowDecl decl = new Specs.WorkflowDecl(checked ?: 'invalid', line)
        session.workflow = decl
        session.runBlock(body, new WorkflowContext(session, decl))
    }

    /** {@code policy { match('glob') { … } }}: settings for Nextflow processes and Snakemake rules. */
    void policy(@DelegatesTo(value = PolicyContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        DslSession session = DslSession.current()
        if (session.policyBlocks++ == 0) session.firstPolicyLine = session.line()
        session.runBlock(body, new PolicyContext(session))
    }

    def methodMissing(String name, Object args) {
        if (binding.hasVariable(name) && binding.getVariable(name) instanceof Closure) {
            return ((Closure) binding.getVariable(name)).call(args as Object[])
        }
        DslSession.current().unknownKeyword('top level', name, Keywords.TOP, true, args)
        return DslSession.UNRESOLVED
    }

    def propertyMissing(String name) {
        // Script.println asks for 'out' and falls back to System.out when it is missing
        if (name == 'out') throw new MissingPropertyException(name, getClass())
        DslSession.current().unknownKeyword('top level', name, Keywords.TOP, false, null)
        return DslSession.UNRESOLVED
    }
}
