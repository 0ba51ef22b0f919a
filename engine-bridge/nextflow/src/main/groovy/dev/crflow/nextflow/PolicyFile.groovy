package dev.crflow.nextflow

import java.nio.file.Path

import dev.crflow.dsl.model.PolicyRule
import dev.crflow.dsl.model.Workflow

/** Reads the `policy { match('glob') { … } }` rules of a crflow DSL file with the dsl module's loader. */
class PolicyFile {

    static List<PolicyRule> load(Path file) {
        final Class loader
        try {
            loader = Class.forName('dev.crflow.dsl.WorkflowLoader', true, PolicyFile.classLoader)
        }
        catch( ClassNotFoundException e ) {
            throw new IllegalStateException("crflow.policy needs the crflow DSL loader (dev.crflow.dsl.WorkflowLoader), which this build of the plugin does not contain -- use ext.checkpoint on the processes instead")
        }
        final Workflow workflow = (Workflow) loader.loadPolicy(file)
        return workflow.policy()
    }
}
