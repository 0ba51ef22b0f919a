package dev.crflow.nextflow

import dev.crflow.dsl.policy.SbatchOptions
import dev.crflow.executor.slurm.ExtraDirectives
import groovy.transform.CompileStatic

/**
 * A process's `clusterOptions`, turned into the step's extra sbatch options. Options crflow renders itself
 * (requeue, signal, logs, job name, time: {@link ExtraDirectives#managed}, from the DSL's one list) are dropped with a warning instead of
 * failing the run: pipelines often carry `--signal`/`--no-requeue` workarounds for the stock Slurm executor.
 */
@CompileStatic
class ClusterOptions {

    /** Options whose value is a separate token (`-x node9`); long options may also use `--opt=value`. */
    static boolean takesValue(String option) {
        return SbatchOptions.takesValue(option)
    }

    /** [kept extras (one string per option, value attached), dropped tokens]. */
    static List<List<String>> split(List<String> tokens) {
        final kept = [] as List<String>
        final dropped = [] as List<String>
        for( int i = 0; i < tokens.size(); i++ ) {
            final tok = tokens[i]
            if( !tok.startsWith('-') ) {
                dropped << tok      // a stray value: nothing to attach it to
                continue
            }
            final name = tok.contains('=') ? tok.substring(0, tok.indexOf('=')) : tok
            String option = tok
            if( !tok.contains('=') && takesValue(name) && i + 1 < tokens.size() && !tokens[i + 1].startsWith('-') )
                option = tok + ' ' + tokens[++i]
            if( ExtraDirectives.managed(name).isPresent() ) dropped << option
            else kept << option
        }
        return [kept, dropped]
    }
}
