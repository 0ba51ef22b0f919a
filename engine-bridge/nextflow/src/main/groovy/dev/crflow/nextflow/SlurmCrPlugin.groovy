package dev.crflow.nextflow

import groovy.transform.CompileStatic
import nextflow.plugin.BasePlugin
import org.pf4j.PluginWrapper

/** Entry point Nextflow instantiates from MANIFEST.MF; the executor itself is registered in extensions.idx. */
@CompileStatic
class SlurmCrPlugin extends BasePlugin {
    SlurmCrPlugin(PluginWrapper wrapper) {
        super(wrapper)
    }
}
