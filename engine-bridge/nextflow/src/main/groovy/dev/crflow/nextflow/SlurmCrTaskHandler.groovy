package dev.crflow.nextflow

import java.nio.file.Files
import java.nio.file.Path

import dev.crflow.dsl.model.ModelJson
import dev.crflow.dsl.model.Resources
import dev.crflow.dsl.model.SourceLocation
import dev.crflow.dsl.model.Step
import dev.crflow.dsl.model.StepCommand
import groovy.util.logging.Slf4j
import nextflow.executor.GridTaskHandler
import nextflow.processor.TaskRun

/**
 * One task on `slurm-cr`. Differences from Nextflow's GridTaskHandler:
 * <ul>
 *   <li>before submitting it writes the step spec and the batch script into the task's control directory
 *       (keyed by the task's identity, not its attempt) and submits that script;</li>
 *   <li>a job an earlier driver left running for the same task (driver killed, then `-resume`) is asked to
 *       checkpoint and stop before the new job starts from its newest image -- never two jobs on one image store;</li>
 *   <li>the task has ended when the coordinator wrote result.json, not when `.exitcode` appears: the wrapper
 *       runs again after every requeue, and a requeued job pending in the queue is alive, however long it waits.</li>
 * </ul>
 */
@Slf4j
class SlurmCrTaskHandler extends GridTaskHandler {

    final SlurmCrExecutor crExecutor
    TaskControlDir ctl
    Path batchScript
    CheckpointSettings.Resolved settings

    private String submittedJobId
    private long inactiveSinceMillis

    SlurmCrTaskHandler(TaskRun task, SlurmCrExecutor executor) {
        super(task, executor)
        this.crExecutor = executor
    }

    @Override
    void prepareLauncher() {
        super.prepareLauncher()     // .command.run (the application) and .command.sh in the work dir
        settings = crExecutor.checkpointSettings(task)
        final identity = TaskIdentity.of(task)
        ctl = new TaskControlDir(crExecutor.controlRoot.resolve('tasks').resolve(identity.dirName())).create()
        if( !Files.exists(ctl.path(TaskControlDir.IDENTITY)) )
            ctl.writeJson(TaskControlDir.IDENTITY, [process: identity.processName, key: identity.key, firstTask: task.name, firstWorkDir: task.workDir.toString()])
        stopOrphanJob()
        ctl.resetForNewJob()
        ctl.writeText(TaskControlDir.SPEC, ModelJson.toJson(stepFor(task)) + '\n')
        final script = BatchScript.render(crExecutor.jobDirectives(task, settings.policy, ctl.dir), crExecutor.coordinatorCommand(ctl.dir))
        ctl.writeText(TaskControlDir.BATCH_SCRIPT, script)
        batchScript = ctl.path(TaskControlDir.BATCH_SCRIPT)
        log.debug "[slurm-cr] ${task.name}: control dir ${ctl.dir}; checkpoint ${settings.policy.engine().dslName()} from ${settings.origin}"
    }

    /** The resolved step (docs/contracts.md section 1): the coordinator runs Nextflow's task wrapper. */
    Step stepFor(TaskRun task) {
        final wrapper = task.workDir.resolve(TaskRun.CMD_RUN)
        final cfg = task.config
        final resources = new Resources(
                Optional.ofNullable(cfg.queue?.toString()),
                Optional.ofNullable(crExecutor.session.getExecConfigProp(crExecutor.name, 'account', null) as String),
                Optional.<String>empty(), Optional.<String>empty(),
                Optional.ofNullable(cfg.getTime() ? java.time.Duration.ofMillis(cfg.getTime().toMillis()) : null),
                Optional.<java.time.Duration>empty(),
                1, 1, Math.max(1, cfg.getCpus()),
                Optional.ofNullable(cfg.getMemory() ? cfg.getMemory().toMega() as Long : null))
        return new Step(
                task.name,
                [],
                new StepCommand(StepCommand.Kind.COMMAND, '/bin/bash ' + BatchScript.shellQuote(wrapper.toString())),
                task.workDir.toString(),
                resources,
                [:],
                [],
                [],
                settings.policy,
                settings.container,
                0,  // application failures are retried by Nextflow's errorStrategy, not by the coordinator
                new SourceLocation(task.processor.session.scriptName ?: 'main.nf', 0))
    }

    /**
     * A job of this task still in the queue, not submitted by this handler: the previous driver's (killed,
     * then `-resume`). Running: ask it to checkpoint and stop, wait, then cancel; pending: cancel.
     */
    private void stopOrphanJob() {
        final previous = ctl.lastJobId()
        if( !previous || ctl.result() ) return
        String code = SlurmCommands.jobStateCode(previous)
        if( code == null || !SlurmJobState.phaseOf(code).active ) return
        log.info "[slurm-cr] ${task.name}: job ${previous} of an earlier run still holds this task (${code}) -- asking it to checkpoint and stop before resubmitting"
        if( SlurmJobState.phaseOf(code) == SlurmJobState.Phase.RUNNING ) {
            ctl.requestStop()
            final deadline = System.currentTimeMillis() + crExecutor.stopTimeout.toMillis()
            while( System.currentTimeMillis() < deadline ) {
                sleep 2_000
                code = SlurmCommands.jobStateCode(previous)
                if( code == null || !SlurmJobState.phaseOf(code).active || ctl.result() ) break
                // stopped after its checkpoint but requeued/held: nothing left to save
                if( SlurmJobState.phaseOf(code) in [SlurmJobState.Phase.PENDING, SlurmJobState.Phase.REQUEUED] ) break
            }
        }
        code = SlurmCommands.jobStateCode(previous)
        if( code != null && SlurmJobState.phaseOf(code).active ) {
            SlurmCommands.run(['scancel', previous], 30_000)
            // wait for the cancel to take effect: the old coordinator must be gone before the new one starts
            for( int i = 0; i < 30; i++ ) {
                code = SlurmCommands.jobStateCode(previous)
                if( code == null || !SlurmJobState.phaseOf(code).active ) break
                sleep 1_000
            }
        }
    }

    @Override
    protected ProcessBuilder createProcessBuilder() {
        final cli = crExecutor.getSubmitCommandLine(task, batchScript)
        ctl.recordSubmitIntent(crExecutor.getJobNameFor(task))
        return new ProcessBuilder().command(cli as String[]).redirectErrorStream(true).directory(task.workDir.toFile())
    }

    @Override
    void submit() {
        super.submit()
        submittedJobId = super.getTraceRecord().get('native_id')?.toString()
        if( submittedJobId )
            ctl.recordJob(submittedJobId, crExecutor.getJobNameFor(task), task.workDir)
    }

    /**
     * The task's exit status from the coordinator's result.json; null while the job may still run it.
     * A job absent from the queue without a result gets the exit-read timeout (NFS latency) before it counts
     * as lost.
     */
    @Override
    protected Integer readExitStatus() {
        final result = ctl.result()
        if( result != null ) {
            final exit = result.taskExitStatus()
            writeExitFile(exit)
            log.debug "[slurm-cr] ${task.name}: job ${submittedJobId} ended ${result.outcome} (exit ${exit}, ${result.attempts} attempt(s), ${result.restarts} restart(s))"
            return exit
        }
        final entry = crExecutor.queueEntry(submittedJobId, task.config?.queue)
        crExecutor.releaseIfHeld(submittedJobId, entry)
        if( crExecutor.checkActiveStatus(submittedJobId, task.config?.queue) ) {
            inactiveSinceMillis = 0
            return null
        }
        if( !inactiveSinceMillis ) {
            inactiveSinceMillis = System.currentTimeMillis()
            return null
        }
        final timeout = crExecutor.session.getExitReadTimeout(crExecutor.name, nextflow.util.Duration.of('270sec')).toMillis()
        if( System.currentTimeMillis() - inactiveSinceMillis < timeout )
            return null
        log.warn "[slurm-cr] ${task.name}: job ${submittedJobId} left the queue without a result in ${ctl.dir} -- see ${ctl.path('stderr.log')}"
        return Integer.MAX_VALUE
    }

    /** Nextflow's `-resume` reads `.exitcode` from the work dir of a cached task: the coordinator's word goes there. */
    private void writeExitFile(int exit) {
        try {
            TaskControlDir.writeAtomically(task.workDir.resolve(TaskRun.CMD_EXIT), exit.toString())
        }
        catch( Exception e ) {
            log.debug "[slurm-cr] ${task.name}: cannot write ${TaskRun.CMD_EXIT}: ${e.message}"
        }
    }
}
