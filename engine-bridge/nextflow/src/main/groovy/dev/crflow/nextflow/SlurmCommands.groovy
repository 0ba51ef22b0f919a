package dev.crflow.nextflow

import java.util.concurrent.TimeUnit

import groovy.transform.CompileStatic

/** Runs a Slurm client command (argument list, no shell). Adapter until executor-slurm-cr's SlurmClient lands. */
@CompileStatic
class SlurmCommands {

    static class Output {
        final int exitCode
        final String output
        Output(int exitCode, String output) { this.exitCode = exitCode; this.output = output }
    }

    static Output run(List<String> command, long timeoutMillis) {
        final process = new ProcessBuilder(command).redirectErrorStream(true).start()
        final buf = new StringBuilder()
        final reader = Thread.start { buf.append(process.inputStream.text) }
        if( !process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ) {
            process.destroyForcibly()
            return new Output(-1, "timed out after ${timeoutMillis} ms".toString())
        }
        reader.join(5_000)
        return new Output(process.exitValue(), buf.toString())
    }

    /** The job's compact state from a direct squeue query, or null when Slurm does not know it (any more). */
    static String jobStateCode(String jobId) {
        final out = run(['squeue', '--noheader', '-j', jobId, '-o', '%t'], 60_000)
        if( out.exitCode != 0 ) return out.output.contains('Invalid job id') ? null : '?'
        final line = out.output.readLines().find { it.trim() }
        return line?.trim()
    }
}
