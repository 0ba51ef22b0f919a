package dev.crflow.nextflow

import java.nio.file.Path

import dev.crflow.dsl.WorkflowLoader
import dev.crflow.dsl.model.PolicyRule
import dev.crflow.dsl.model.SiteSettings
import groovy.transform.CompileStatic

/** Reads the `policy { match('glob') { … } }` rules of a crflow DSL file with the dsl module's loader. */
@CompileStatic
class PolicyFile {

    static List<PolicyRule> load(Path file) {
        return WorkflowLoader.loadPolicy(file).policy()
    }

    /** The rules with the site and user settings under each rule's checkpoint block (engine, grace). */
    static List<PolicyRule> load(Path file, SiteSettings settings) {
        return WorkflowLoader.loadPolicy(file, settings).policy()
    }
}
