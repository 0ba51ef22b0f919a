package dev.crflow.nextflow

import static nextflow.processor.TaskStatus.*

import java.lang.reflect.Field
import java.nio.file.Files
import java.nio.file.Path

import dev.crflow.coordinator.control.Result
import dev.crflow.dsl.model.Step
import dev.crflow.executor.ExecutorException
import dev.crflow.executor.JobHandle
import dev.crflow.executor.JobObservation
import dev.crflow.executor.JobStatus
import dev.crflow.executor.StepLaunch
import dev.crflow.executor.control.PrivateFiles
import dev.crflow.executor.control.StepControlDir
import dev.crflow.executor.lifecycle.LifecycleAction
import dev.crflow.executor.lifecycle.StepLifecycle
import dev.crflow.executor.slurm.JobPhase
import dev.crflow.executor.slurm.QueueQuery
import groovy.util.logging.Slf4j
import nextflow.exception.ProcessFailedException
import nextflow.executor.GridTaskHandler
import nextflow.processor.TaskHandler
import nextflow.processor.TaskRun

/**
 * One task on `slurm-cr`. Differences from Nextflow's GridTaskHandler:
 * <ul>
 *   <li>the job is submitted through executor-slurm-cr: spec.json and the batch script go to the task's control
 *       directory (keyed by the task's identity, not its attempt), with a submit intent first;</li>
 *   <li>a job an earlier driver left running for the same task (driver killed, then `-resume`) is asked to
 *       checkpoint and stop before the new job starts from its newest image: never two jobs on one image store;</li>
 *   <li>the task has ended when the coordinator wrote result.json, not when `.exitcode` appears (the wrapper runs
 *       again after every requeue); a requeued job pending in the queue is alive however long it waits; a job
 *       lost for good (node failure or preemption without requeue, vanished) is resubmitted and restarts from its image.</li>
 * </ul>
 */
@Slf4j
class SlurmCrTaskHandler extends GridTaskHandler {

    /** Files of one job's run; cleared before the next job of the task (images, journal, job records stay). */
    static final List<String> PER_JOB = ['result.json', 'status.json', 'heartbeat']

    private static final Field JOB_ID = GridTaskHandler.getDeclaredField('jobId').tap { it.accessible = true }

    final SlurmCrExecutor crExecutor
    StepControlDir ctl
    CheckpointSettings.Resolved settings
    Step step
    JobHandle handle

    /** The step lifecycle every front end shares: numbering, loss, restart budget from the journal (not from memory). */
    StepLifecycle lifecycle

    SlurmCrTaskHandler(TaskRun task, SlurmCrExecutor executor) {
        super(task, executor)
        this.crExecutor = executor
    }

    @Override
    void prepareLauncher() {
        super.prepareLauncher()     // .command.run (the application) and .command.sh in the work dir
        settings = crExecutor.checkpointSettings(task)
        step = crExecutor.stepFor(task, settings)
        final identity = TaskIdentity.of(task)
        ctl = new StepControlDir(crExecutor.taskControlDir(task)).create()
        lifecycle = new StepLifecycle(crExecutor.stepExecutor, ctl, java.time.Clock.systemUTC(), java.time.Duration.ofMillis(RESULT_GRACE_MILLIS))
        final idFile = ctl.path().resolve('identity.json')
        if( !Files.exists(idFile) )
            ctl.writeJson(idFile, [process: identity.processName, key: identity.key, firstTask: task.name, firstWorkDir: task.workDir.toString()])
        stopOrphanJobs()
        resetForNewJob()
        log.debug "[slurm-cr] ${task.name}: control dir ${ctl}; checkpoint ${settings.policy.engine().dslName()} from ${settings.origin}"
    }

    private void resetForNewJob() {
        for( String name : PER_JOB ) Files.deleteIfExists(ctl.path().resolve(name))
        if( Files.isDirectory(ctl.requests()) )
            Files.list(ctl.requests()).withCloseable { s -> s.each { Path p -> Files.deleteIfExists(p) } }
    }

    /**
     * Jobs of this task still in the queue that this handler did not submit: the killed driver's (then `-resume`).
     * Running: ask the coordinator to checkpoint and stop, wait, then cancel; pending: cancel.
     */
    private void stopOrphanJobs() {
        if( ctl.readResult().isPresent() ) return
        final slurm = crExecutor.stepExecutor.client()
        final ids = new LinkedHashSet<String>()
        ctl.readJob().ifPresent { ids << it.jobId() }
        ctl.readSubmitIntent().ifPresent { intent ->
            // the killed driver may have submitted without recording the job id: find it by its run-unique name
            slurm.queue(QueueQuery.byNames([intent.jobName()])).entries().each { ids << it.jobId() }
        }
        for( String id : ids ) {
            JobPhase phase = phaseOf(id)
            if( phase == null || phase.terminal() ) continue
            log.info "[slurm-cr] ${task.name}: job ${id} of an earlier run still holds this task (${phase}) -- asking it to checkpoint and stop before resubmitting"
            if( phase == JobPhase.RUNNING ) {
                ctl.control().requestCheckpoint(true)
                final deadline = System.currentTimeMillis() + crExecutor.stopTimeout.toMillis()
                while( System.currentTimeMillis() < deadline ) {
                    sleep 2_000
                    phase = phaseOf(id)
                    if( phase == null || phase.terminal() || phase in [JobPhase.QUEUED, JobPhase.REQUEUED] ) break
                }
            }
            phase = phaseOf(id)
            if( phase != null && !phase.terminal() ) {
                slurm.cancel(id)
                for( int i = 0; i < 60 && (phase = phaseOf(id)) != null && !phase.terminal(); i++ ) sleep 1_000
            }
        }
    }

    private JobPhase phaseOf(String jobId) {
        return crExecutor.stepExecutor.client().showJob(jobId).map { it.phase() }.orElse(null)
    }

    @Override
    void submit() {
        try {
            submitJob([])
        }
        catch( Exception e ) {
            task.script = "sbatch ${ctl?.script()}"
            status = COMPLETED
            throw new ProcessFailedException("Error submitting process '${task.name}' for execution", e)
        }
    }

    private void submitJob(List<String> excludeNodes) {
        final attempt = StepLifecycle.nextAttempt(ctl)
        final known = StepLifecycle.knownJobIds(ctl)
        final launch = new StepLaunch(step, ctl, crExecutor.jobNameFor(task), attempt, excludeNodes, Optional.empty(), known)
        handle = crExecutor.stepExecutor.submit(launch)
        // GridTaskHandler keeps the id private (trace record, logs): keep it in step with ours
        JOB_ID.set(this, handle.jobId())
        status = SUBMITTED
        log.debug "[slurm-cr] submitted ${task.name} > job ${handle.jobId()} (${handle.jobName()}, submission ${attempt}); control dir ${ctl}"
    }

    private JobObservation observe() {
        return crExecutor.stepExecutor.observe([(handle): ctl]).get(handle)
    }

    /** Does what the lifecycle decided, in its one place; a lost job's successor is submitted here. */
    private void perform(List<LifecycleAction> actions, String what) {
        lifecycle.perform(actions) { LifecycleAction.Resubmit r ->
            log.info "[slurm-cr] ${task.name}: job ${handle.jobId()} ${what} -- resubmitting (${lifecycle.restartsUsed()} restart(s) of ${settings.policy.maxRestarts()}); it restarts from its newest image" + (r.excludeNodes() ? " away from ${r.excludeNodes().join(',')}" : '')
            submitJob(r.excludeNodes())
        }
    }

    /** Started: the wrapper ran (`.command.begin`), the job runs, or it already ended (so its end is read). */
    @Override
    boolean checkIfRunning() {
        if( !isSubmitted() || handle == null ) return false
        final obs = observe()
        perform(obs.wanted(), obs.detail())     // e.g. release a requeue hold while the job waits
        if( Files.exists(startFile) || ctl.readResult().isPresent()
                || obs.status() in [JobStatus.RUNNING, JobStatus.ENDED, JobStatus.LOST, JobStatus.CANCELLED] ) {
            status = RUNNING
            return true
        }
        return false
    }

    /**
     * The task's exit status from the coordinator's result.json; null while the job may still run it (queued,
     * running, requeued, held, suspended, unknown). A job that ended without a result gets the exit-read timeout
     * (NFS latency) before it counts as failed.
     */
    @Override
    protected Integer readExitStatus() {
        final result = ctl.readResult()
        if( result.isPresent() )
            return exitFrom(result.get())
        final obs = observe()
        // The lifecycle decides (a job that ended without a result gets the grace, then counts as lost) and counts
        // restarts from the journal, so a restarted Nextflow keeps the budget the coordinator and `crflow status` see.
        final d = lifecycle.observe(handle, obs, settings.policy.maxRestarts())
        switch( d.verdict() ) {
            case StepLifecycle.Verdict.RESTART:
                perform(d.actions(), d.detail())
                return null
            case StepLifecycle.Verdict.GIVE_UP:
                perform(d.actions(), d.detail())
                log.warn "[slurm-cr] ${task.name}: job ${handle.jobId()} ${d.detail()} -- see ${ctl.stderr()}"
                return Integer.MAX_VALUE
            case StepLifecycle.Verdict.STOPPED:
            case StepLifecycle.Verdict.CANCELLED:
                perform(d.actions(), d.detail())
                log.warn "[slurm-cr] ${task.name}: job ${handle.jobId()} ended (${obs.detail()}, coordinator ${ctl.readCoordinatorPhase().map { it.name() }.orElse('not started')}) without a result -- see ${ctl.stderr()}"
                return Integer.MAX_VALUE
            case StepLifecycle.Verdict.FINISHED:
                perform(d.actions(), d.detail())
                return exitFrom(d.result().get())
            default:
                perform(d.actions(), d.detail())
                return null
        }
    }

    private int exitFrom(Result r) {
        final exit = taskExitStatus(r.outcome().name(), r.exitCode())
        writeExitFile(exit)
        // Nextflow shows .command.err, not the coordinator's log: a failed checkpoint must not stay hidden there
        CheckpointFailures.warning(task.name, ctl).ifPresent { String w -> log.warn w }
        log.debug "[slurm-cr] ${task.name}: job ${handle?.jobId()} ended ${r.outcome()} (exit ${exit}, ${r.attempts()} attempt(s), ${r.restarts()} restart(s))"
        return exit
    }

    /** How long a job may have ended before its result.json is visible on shared storage. */
    static final long RESULT_GRACE_MILLIS = 20_000

    /** The exit status Nextflow records for the task (what its errorStrategy sees). */
    static int taskExitStatus(String outcome, Integer exitCode) {
        switch( outcome ) {
            case 'COMPLETED': return exitCode ?: 0
            case 'BUDGET_EXHAUSTED': return exitCode ? exitCode : 98
            case 'ENGINE_ERROR': return exitCode ? exitCode : 99
            default: return exitCode ? exitCode : 1
        }
    }

    /** Nextflow's `-resume` reads `.exitcode` in the work dir of a cached task: the coordinator's word goes there. */
    private void writeExitFile(int exit) {
        try {
            PrivateFiles.writeAtomically(task.workDir.resolve(TaskRun.CMD_EXIT), exit.toString())
        }
        catch( Exception e ) {
            log.debug "[slurm-cr] ${task.name}: cannot write ${TaskRun.CMD_EXIT}: ${e.message}"
        }
    }

    /**
     * Nextflow 25.04 made `TaskHandler.kill()` concrete (it guards against a second kill and calls the new
     * `protected void killTask()`, which GridTaskHandler implements); on 24.10 `kill()` is abstract and is the hook.
     * Both are overridden: on 25.04+ `kill()` goes through Nextflow's guard to {@link #killTask}, on 24.10 it cancels.
     */
    static final boolean NEXTFLOW_KILL_TASK = TaskHandler.declaredMethods.any { it.name == 'killTask' }

    @Override
    void kill() {
        if( NEXTFLOW_KILL_TASK ) super.kill()
        else cancelJob()
    }

    /** Nextflow 25.04+: called once by `TaskHandler.kill()` (no `@Override`: 24.10, compiled against, lacks it). */
    protected void killTask() {
        cancelJob()
    }

    private void cancelJob() {
        if( handle == null ) return
        try {
            crExecutor.stepExecutor.cancel(handle)
        }
        catch( ExecutorException e ) {
            log.debug "[slurm-cr] ${task.name}: cancel of job ${handle.jobId()} failed: ${e.message}"
        }
    }
}
