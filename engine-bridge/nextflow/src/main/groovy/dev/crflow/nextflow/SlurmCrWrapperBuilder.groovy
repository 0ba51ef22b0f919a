package dev.crflow.nextflow

import java.nio.file.Path

import groovy.transform.CompileStatic
import nextflow.executor.BashWrapperBuilder
import nextflow.processor.TaskRun

/** Nextflow's own task wrapper, adapted by {@link AppWrapper} to run under the coordinator. */
@CompileStatic
class SlurmCrWrapperBuilder extends BashWrapperBuilder {

    /** The policy's forward signal (engine `signal`): delivered to the task only, never to the wrapper's traps. */
    private final Optional<String> forward

    SlurmCrWrapperBuilder(TaskRun task, Optional<String> forward) {
        super(task)
        this.forward = forward
    }

    @Override
    Path build() {
        final wrapper = super.build()
        wrapper.text = AppWrapper.patch(wrapper.text, forward)
        return wrapper
    }
}
