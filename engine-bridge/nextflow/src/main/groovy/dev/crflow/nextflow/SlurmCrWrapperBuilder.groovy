package dev.crflow.nextflow

import java.nio.file.Path

import groovy.transform.CompileStatic
import nextflow.executor.BashWrapperBuilder
import nextflow.processor.TaskRun

/** Nextflow's own task wrapper, adapted by {@link AppWrapper} to run under the coordinator. */
@CompileStatic
class SlurmCrWrapperBuilder extends BashWrapperBuilder {

    SlurmCrWrapperBuilder(TaskRun task) {
        super(task)
    }

    @Override
    Path build() {
        final wrapper = super.build()
        wrapper.text = AppWrapper.patch(wrapper.text)
        return wrapper
    }
}
