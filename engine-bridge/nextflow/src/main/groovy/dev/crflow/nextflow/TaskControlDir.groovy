package dev.crflow.nextflow

import java.nio.file.AtomicMoveNotSupportedException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFilePermissions
import java.time.Instant

import com.fasterxml.jackson.databind.ObjectMapper
import groovy.transform.CompileStatic

/**
 * The control directory of one checkpointable task (layout: docs/contracts.md section 2), seen from the
 * Nextflow driver. It is keyed by the task's identity, not by its attempt: every Nextflow attempt of the task
 * (new work dir each time) and every Slurm requeue of a job share it, so the newest image generation is
 * always found. Owner-only: dirs 0700, files 0600; every file is written to a temp file and renamed.
 */
@CompileStatic
class TaskControlDir {

    static final String SPEC = 'spec.json'
    static final String BATCH_SCRIPT = 'job.sbatch'
    static final String SUBMIT_INTENT = 'submit-intent.json'
    static final String JOB = 'job.json'
    static final String RESULT = 'result.json'
    static final String STATUS = 'status.json'
    static final String HEARTBEAT = 'heartbeat'
    static final String REQUESTS = 'requests'
    static final String IDENTITY = 'identity.json'

    /** Files that describe one Slurm job's run; cleared before the next job of the task is submitted. */
    static final List<String> PER_JOB = [RESULT, STATUS, HEARTBEAT, JOB, SUBMIT_INTENT]

    private static final ObjectMapper JSON = new ObjectMapper()

    final Path dir

    TaskControlDir(Path dir) {
        this.dir = dir
    }

    TaskControlDir create() {
        mkdirPrivate(dir)
        mkdirPrivate(dir.resolve(REQUESTS))
        return this
    }

    Path path(String name) { dir.resolve(name) }

    /** Before a new job: forget the previous job's outcome and unanswered requests, keep images and journal. */
    void resetForNewJob() {
        for( String name : PER_JOB ) Files.deleteIfExists(dir.resolve(name))
        final requests = dir.resolve(REQUESTS)
        if( Files.isDirectory(requests) ) {
            Files.list(requests).withCloseable { s -> s.each { Path p -> Files.deleteIfExists(p) } }
        }
    }

    void writeText(String name, String text) {
        writeAtomically(dir.resolve(name), text)
    }

    void writeJson(String name, Object value) {
        writeAtomically(dir.resolve(name), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) + '\n')
    }

    Map readJson(String name) {
        final file = dir.resolve(name)
        if( !Files.isRegularFile(file) ) return null
        try {
            return JSON.readValue(file.toFile(), Map)
        }
        catch( Exception e ) {
            return null     // torn or half-written: treat as absent, the writer renames atomically
        }
    }

    /** The job id the last driver submitted for this task, if any. */
    String lastJobId() {
        final job = readJson(JOB)
        if( job?.jobId ) return job.jobId.toString()
        return null
    }

    void recordSubmitIntent(String jobName) {
        writeJson(SUBMIT_INTENT, [jobName: jobName, time: Instant.now().toString()])
    }

    void recordJob(String jobId, String jobName, Path workDir) {
        writeJson(JOB, [jobId: jobId, jobName: jobName, submitted: Instant.now().toString(), workDir: workDir.toString()])
    }

    /** Asks a running coordinator to checkpoint and stop (it consumes the file and answers in the journal). */
    void requestStop() {
        writeAtomically(dir.resolve(REQUESTS).resolve('stop'), Instant.now().toString() + '\n')
    }

    /** The coordinator's final word on its job, or null while the job has not ended. */
    StepResult result() {
        final json = readJson(RESULT)
        return json ? StepResult.of(json) : null
    }

    static void mkdirPrivate(Path dir) {
        if( !Files.isDirectory(dir) ) {
            Files.createDirectories(dir)
        }
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString('rwx------'))
        }
        catch( UnsupportedOperationException ignored ) { }
    }

    static void writeAtomically(Path target, String text) {
        final tmp = target.resolveSibling('.' + target.fileName + '.tmp-' + ProcessHandle.current().pid() + '-' + Thread.currentThread().id)
        Files.write(tmp, text.getBytes('UTF-8'))
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString('rw-------'))
        }
        catch( UnsupportedOperationException ignored ) { }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        }
        catch( AtomicMoveNotSupportedException e ) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING)
        }
    }

    /** result.json (contracts.md section 2). */
    static class StepResult {
        final String outcome
        final Integer exitCode
        final int attempts
        final int restarts

        StepResult(String outcome, Integer exitCode, int attempts, int restarts) {
            this.outcome = outcome
            this.exitCode = exitCode
            this.attempts = attempts
            this.restarts = restarts
        }

        static StepResult of(Map json) {
            new StepResult(json.outcome?.toString(), json.exitCode == null ? null : (json.exitCode as Integer),
                    (json.attempts ?: 0) as int, (json.restarts ?: 0) as int)
        }

        /** The exit status Nextflow records for the task (what its errorStrategy sees). */
        int taskExitStatus() {
            switch( outcome ) {
                case 'COMPLETED': return exitCode ?: 0
                case 'BUDGET_EXHAUSTED': return exitCode && exitCode != 0 ? exitCode : 98
                case 'ENGINE_ERROR': return exitCode && exitCode != 0 ? exitCode : 99
                default: return exitCode && exitCode != 0 ? exitCode : 1
            }
        }
    }
}
