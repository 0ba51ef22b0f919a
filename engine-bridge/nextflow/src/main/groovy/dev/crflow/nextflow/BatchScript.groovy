package dev.crflow.nextflow

import groovy.transform.CompileStatic

/**
 * The script `sbatch` runs for a task: the job's directives (data, rendered here only) and one line that
 * execs the coordinator, so the coordinator *is* the batch shell and receives Slurm's `B:` warning signal
 * (docs/contracts.md section 5). The task's command never appears here: the coordinator reads spec.json.
 */
@CompileStatic
class BatchScript {

    /** Options crflow owns: a clusterOptions value naming one of them is dropped with a warning. */
    static final List<String> OWNED_OPTIONS = ['--requeue', '--no-requeue', '--signal', '--open-mode', '-o', '--output', '-e', '--error', '-J', '--job-name']

    /** Directive pairs: option (with '=value' when the value must stick to it) and value ('' for none). */
    static String render(List<List<String>> directives, List<String> coordinatorCommand) {
        final sb = new StringBuilder('#!/bin/bash\n')
        for( List<String> d : directives ) {
            sb << '#SBATCH ' << d[0]
            if( d.size() > 1 && d[1] ) sb << ' ' << d[1]
            sb << '\n'
        }
        sb << '# crflow: the coordinator replaces this shell; it runs the task (.command.run) as its application\n'
        sb << 'exec ' << coordinatorCommand.collect { shellQuote(it) }.join(' ') << '\n'
        return sb.toString()
    }

    /** Single-quoted for bash unless it is plainly safe. */
    static String shellQuote(String s) {
        if( s ==~ /[A-Za-z0-9_\/.=:@%+,-]+/ ) return s
        return "'" + s.replace("'", "'\\''") + "'"
    }

    /** A value on an #SBATCH line: Slurm splits on whitespace and understands double quotes. */
    static String directiveValue(String s) {
        if( s.contains('"') || s.contains('\n') )
            throw new IllegalArgumentException("slurm-cr: value not allowed in an #SBATCH directive: $s")
        return s ==~ /[^\s]+/ ? s : '"' + s + '"'
    }

    /** ['-x', 'node9', '--exclusive'] becomes [['-x', 'node9'], ['--exclusive', '']]. */
    static List<List<String>> pairOptions(List<String> tokens) {
        final result = [] as List<List<String>>
        for( int i = 0; i < tokens.size(); i++ ) {
            final tok = tokens[i]
            if( tok.startsWith('-') && !tok.contains('=') && i + 1 < tokens.size() && !tokens[i + 1].startsWith('-') )
                result << [tok, directiveValue(tokens[++i])]
            else
                result << [tok, '']
        }
        return result
    }

    /**
     * clusterOptions split into tokens, without the options crflow must own (requeue, signal, log files,
     * job name). Returns [kept, dropped].
     */
    static List<List<String>> filterClusterOptions(List<String> tokens) {
        final kept = []
        final dropped = []
        for( int i = 0; i < tokens.size(); i++ ) {
            final tok = tokens[i]
            final name = tok.contains('=') ? tok.substring(0, tok.indexOf('=')) : tok
            if( name in OWNED_OPTIONS ) {
                dropped << tok
                // a separate value follows options that take one
                if( !tok.contains('=') && name != '--requeue' && name != '--no-requeue' && i + 1 < tokens.size() && !tokens[i + 1].startsWith('-') )
                    dropped << tokens[++i]
            }
            else kept << tok
        }
        return [kept as List<String>, dropped as List<String>]
    }
}
