package dev.crflow.dsl.context

import dev.crflow.dsl.internal.DslSession
import dev.crflow.dsl.internal.Keywords
import dev.crflow.dsl.internal.Located
import dev.crflow.dsl.internal.Specs
import groovy.transform.CompileStatic

import java.util.regex.Pattern

/** The {@code container('image') { … }} block. */
@CompileStatic
class ContainerContext extends DslContext {
    private static final Pattern MOUNT = ~/\/[^:\s]*:\/[^:\s]*(:[A-Za-z,]+)?/
    private static final Pattern MODULE = ~/[A-Za-z0-9_.+-]+/
    private final Specs.ContainerDecl c

    ContainerContext(DslSession session, Specs.ContainerDecl c) {
        super(session)
        this.c = c
    }

    @Override protected String blockName() { 'container' }

    @Override protected List<String> keywords() { Keywords.CONTAINER }

    /** shifter | podman-hpc | podman | apptainer. */
    void runtime(Object v) { c.runtime = session.set(c.runtime, session.runtime(v), 'runtime') }

    /** Bind mounts, 'host:container[:options]', both absolute. */
    void mount(Object... specs) {
        for (String m : session.strings(specs, 'mount')) {
            if (!MOUNT.matcher(m).matches()) {
                session.error("mount '${m}' is not 'host:container' or 'host:container:options' with absolute paths (e.g. '/cvmfs:/cvmfs:ro')".toString())
            } else {
                c.mounts.add(new Located<String>(m, session.line()))
            }
        }
    }

    /** Runtime modules (shifter/podman-hpc), e.g. 'cvmfs', 'gpu', 'mpich'. */
    void module(Object... names) {
        for (String m : session.strings(names, 'module')) {
            if (!MODULE.matcher(m).matches()) session.error("container module '${m}' contains whitespace or shell characters".toString())
            else c.modules.add(new Located<String>(m, session.line()))
        }
    }
}
