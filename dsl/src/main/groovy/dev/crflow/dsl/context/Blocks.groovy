package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Located
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

import java.util.regex.Pattern

/** Shared by the blocks that hold checkpoint and container blocks; not a context (never a delegate). */
@CompileStatic
final class Blocks {
    private static final Pattern IMAGE = ~/[A-Za-z0-9\/.][A-Za-z0-9._\/:@+-]*/

    private Blocks() {}

    static Specs.CheckpointDecl checkpoint(DslSession session, Specs.CheckpointDecl existing, @DelegatesTo(value = CheckpointContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        if (existing != null) {
            session.warning("checkpoint is given twice in this block (first on line ${existing.line}); the two are merged".toString())
        }
        Specs.CheckpointDecl decl = existing ?: new Specs.CheckpointDecl(session.line())
        session.runBlock(body, new CheckpointContext(session, decl))
        return decl
    }

    static Specs.ContainerDecl container(DslSession session, Specs.ContainerDecl existing, Object image, @DelegatesTo(value = ContainerContext, strategy = Closure.DELEGATE_ONLY) Closure body) {
        if (existing != null) {
            session.warning("container is given twice in this block (first on line ${existing.line}); the last one wins".toString())
        }
        String checked = session.string(image, 'container image')
        if (checked != null && !IMAGE.matcher(checked).matches()) {
            session.error("container image '${checked}' is not an image reference (e.g. 'docker:org/name:tag', 'localhost/sim:1', 'docker://org/name:tag' or '/path/image.sif')".toString())
            checked = null
        }
        Specs.ContainerDecl decl = new Specs.ContainerDecl(checked, session.line())
        decl.hadErrors = session.runBlock(body, new ContainerContext(session, decl))
        return decl
    }

    static Located<Integer> retry(DslSession session, Located<Integer> previous, Object v) {
        return session.set(previous, session.count(v, 'retry', 0), 'retry')
    }
}
