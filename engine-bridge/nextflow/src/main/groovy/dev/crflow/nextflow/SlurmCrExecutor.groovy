package dev.crflow.nextflow

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap

import dev.crflow.dsl.model.CheckpointPolicy
import dev.crflow.dsl.model.PolicyRule
import groovy.util.logging.Slf4j
import nextflow.executor.BashWrapperBuilder
import nextflow.executor.GridTaskHandler
import nextflow.executor.SlurmExecutor
import nextflow.processor.TaskRun
import nextflow.util.Escape
import nextflow.util.ServiceName
import org.pf4j.ExtensionPoint

/**
 * `executor = 'slurm-cr'`: Nextflow's Slurm executor made checkpoint/restart-aware.
 * <ul>
 *   <li>jobs are submitted with `--requeue`, `--open-mode=append` and `--signal=B:SIG@lead` from the
 *       process's checkpoint policy (never Nextflow's forced `--no-requeue` and `B:USR2@30`);</li>
 *   <li>the batch script execs the coordinator, which runs Nextflow's task wrapper as its application
 *       and checkpoints it before the walltime or on preemption;</li>
 *   <li>requeued, preempted, held and pending-after-requeue jobs stay active; an unknown state is unknown,
 *       not dead; the requeue hold (~2 min BeginTime) is released at once;</li>
 *   <li>the task's control directory (images, journal) is keyed by the task's identity without the attempt,
 *       so a Nextflow retry or a `-resume` restarts from the newest valid image.</li>
 * </ul>
 * Config scope `crflow` in nextflow.config: `policy` (crflow DSL file with `policy { match('glob') {…} }`),
 * `controlRoot` (default `<launchDir>/.crflow-nf`), `java`, `coordinatorJar`, `containerRuntime`,
 * `stopTimeout`, `releaseRequeueHold`.
 */
@Slf4j
@ServiceName('slurm-cr')
class SlurmCrExecutor extends SlurmExecutor implements ExtensionPoint {

    private List<PolicyRule> policyRules = []
    private Path controlRoot
    private String javaCommand
    private Path coordinatorJar
    private String containerRuntime
    private Duration stopTimeout
    private boolean releaseRequeueHold

    /** The latest squeue answer: one per queue-stat interval, shared by every handler. */
    private volatile QueueSnapshot lastSnapshot

    /** jobs whose requeue hold was already released, by "jobId@snapshot" (one scontrol per job and poll) */
    private final Map<String, Boolean> released = new ConcurrentHashMap<>()

    @Override
    void register() {
        super.register()
        final crflow = (session.config?.crflow ?: [:]) as Map
        controlRoot = Paths.get((crflow.controlRoot ?: '.crflow-nf').toString()).toAbsolutePath().normalize()
        javaCommand = crflow.java?.toString() ?: Paths.get(System.getProperty('java.home'), 'bin', 'java').toString()
        coordinatorJar = crflow.coordinatorJar ? Paths.get(crflow.coordinatorJar.toString()).toAbsolutePath() : bundledCoordinatorJar()
        containerRuntime = crflow.containerRuntime?.toString() ?: 'podman'
        stopTimeout = CheckpointSettings.duration('(crflow config)', 'stopTimeout', crflow.stopTimeout ?: '5m')
        releaseRequeueHold = crflow.releaseRequeueHold == null ? true : crflow.releaseRequeueHold as boolean
        if( crflow.policy ) {
            final file = resolvePolicyFile(crflow.policy.toString())
            policyRules = PolicyFile.load(file)
            log.info "[slurm-cr] checkpoint policy ${file}: ${policyRules.size()} rule(s)"
        }
        if( !Files.isRegularFile(coordinatorJar) )
            log.warn "[slurm-cr] coordinator jar not found: ${coordinatorJar} -- set crflow.coordinatorJar in nextflow.config or rebuild the plugin (scripts/nextflow does)"
        TaskControlDir.mkdirPrivate(controlRoot)
        log.debug "[slurm-cr] control root ${controlRoot}; coordinator ${coordinatorJar}; java ${javaCommand}"
    }

    private Path resolvePolicyFile(String name) {
        final path = Paths.get(name)
        if( path.isAbsolute() ) return path
        for( Path base : [session.baseDir, Paths.get('').toAbsolutePath()] ) {
            if( base && Files.isRegularFile(base.resolve(name)) ) return base.resolve(name).toAbsolutePath().normalize()
        }
        throw new IllegalArgumentException("crflow.policy: file not found: '$name' (looked next to the pipeline script ${session.baseDir} and in the launch directory)")
    }

    /** `<plugin dir>/coordinator/crflow-coordinator.jar`, next to the plugin's `classes/`. */
    static Path bundledCoordinatorJar() {
        final location = Paths.get(SlurmCrExecutor.protectionDomain.codeSource.location.toURI())
        final pluginDir = Files.isDirectory(location) ? location.parent : location.parent?.parent
        return pluginDir.resolve('coordinator').resolve('crflow-coordinator.jar')
    }

    Path getControlRoot() { controlRoot }

    Duration getStopTimeout() { stopTimeout }

    List<String> coordinatorCommand(Path ctl) {
        return [javaCommand, '-jar', coordinatorJar.toString(), 'run', '--control', ctl.toString()]
    }

    CheckpointSettings.Resolved checkpointSettings(TaskRun task) {
        final ext = task.config.get('ext')
        final extCheckpoint = ext instanceof Map ? ((Map) ext).get('checkpoint') : null
        final image = task.config.get('container')?.toString()
        return CheckpointSettings.resolve(processName(task), policyRules, extCheckpoint, image ?: null, containerRuntime)
    }

    static String processName(TaskRun task) {
        return task.processor?.name ?: task.name
    }

    @Override
    GridTaskHandler createTaskHandler(TaskRun task) {
        assert task
        assert task.workDir
        return new SlurmCrTaskHandler(task, this)
    }

    /** The task wrapper (the coordinator's application): no #SBATCH header, it is never submitted itself. */
    @Override
    protected BashWrapperBuilder createBashWrapperBuilder(TaskRun task) {
        final builder = new SlurmCrWrapperBuilder(task)
        builder.headerScript = "NXF_CHDIR=${Escape.path(task.workDir)}\n"
        return builder
    }

    /** Directives for `#SBATCH` lines, as [option, value] pairs. */
    List<List<String>> jobDirectives(TaskRun task, CheckpointPolicy policy, Path ctl) {
        final result = [] as List<List<String>>
        result << ['-J', getJobNameFor(task)]
        result << ['-D', BatchScript.directiveValue(task.workDir.toString())]
        result << ['-o', BatchScript.directiveValue(ctl.resolve('stdout.log').toString())]
        result << ['-e', BatchScript.directiveValue(ctl.resolve('stderr.log').toString())]
        result << ['--requeue', '']
        result << ['--open-mode=append', '']
        result << ["--signal=B:${policy.signal()}@${Math.max(1L, policy.lead().seconds)}".toString(), '']
        final cpus = task.config.getCpus()
        if( cpus > 1 ) result << ['-c', cpus.toString()]
        final time = task.config.getTime()
        if( time ) {
            result << ['-t', time.format('HH:mm:ss')]
            if( policy.lead().toMillis() >= time.toMillis() )
                log.warn1 "[slurm-cr] process `${processName(task)}`: the warning signal lead (${policy.lead().seconds}s) is not shorter than its time (${time}) -- the job will be signalled as soon as it starts"
        }
        final mem = task.config.getMemory()
        if( mem ) result << ['--mem', mem.toMega().toString() + 'M']
        if( task.config.queue ) result << ['-p', BatchScript.directiveValue(task.config.queue.toString())]
        final account = session?.getExecConfigProp(getName(), 'account', null) as String
        if( account ) result << ['-A', BatchScript.directiveValue(account)]
        final opts = task.config.getClusterOptionsAsList() ?: []
        final filtered = BatchScript.filterClusterOptions(opts as List<String>)
        if( filtered[1] )
            log.warn1 "[slurm-cr] process `${processName(task)}`: clusterOptions ${filtered[1].join(' ')} ignored -- slurm-cr sets requeue, signal, log files and job name itself"
        result.addAll(BatchScript.pairOptions(filtered[0]))
        return result
    }

    @Override
    protected List<String> getDirectives(TaskRun task, List<String> result) {
        final settings = checkpointSettings(task)
        final ctl = controlRoot.resolve('tasks').resolve(TaskIdentity.of(task).dirName())
        for( List<String> d : jobDirectives(task, settings.policy, ctl) ) {
            result << d[0] << (d.size() > 1 ? d[1] : '')
        }
        return result
    }

    @Override
    List<String> getSubmitCommandLine(TaskRun task, Path scriptFile) {
        return ['sbatch', scriptFile.toString()]
    }

    /** All of the user's jobs in one call (not per partition): one snapshot serves every task. */
    @Override
    protected List<String> queueStatusCommand(Object queue) {
        final result = ['squeue', '--noheader', '-o', QueueSnapshot.FORMAT, '-t', 'all']
        final user = System.getProperty('user.name')
        if( user ) result << '-u' << user
        return result
    }

    @Override
    protected Map<String, QueueStatus> parseQueueStatus(String text) {
        final snapshot = QueueSnapshot.parse(text)
        lastSnapshot = snapshot
        final result = new LinkedHashMap<String, QueueStatus>()
        snapshot.entries.each { String id, QueueSnapshot.Entry e -> result.put(id, toQueueStatus(e.phase)) }
        return result
    }

    static QueueStatus toQueueStatus(SlurmJobState.Phase phase) {
        switch( phase ) {
            case SlurmJobState.Phase.PENDING: return QueueStatus.PENDING
            case SlurmJobState.Phase.RUNNING: return QueueStatus.RUNNING
            case SlurmJobState.Phase.REQUEUED: return QueueStatus.HOLD
            case SlurmJobState.Phase.HELD: return QueueStatus.HOLD
            case SlurmJobState.Phase.FINISHED: return QueueStatus.DONE
            case SlurmJobState.Phase.FAILED: return QueueStatus.ERROR
            default: return QueueStatus.UNKNOWN
        }
    }

    /**
     * Active = the job may still run the task: pending (also after a requeue), running, requeued, held,
     * preempted, or in a state we do not know. Only a job that left the queue or ended is inactive; a failed
     * squeue (null) means "don't know", so active.
     */
    @Override
    boolean checkActiveStatus(Object jobId, Object queue) {
        final status = getQueueStatus(queue)
        if( status == null ) return true
        if( !status.containsKey(jobId?.toString()) ) return false
        final s = status.get(jobId.toString())
        return s != QueueStatus.DONE && s != QueueStatus.ERROR
    }

    /** The job's line in the latest snapshot (refreshed at most once per queue-stat interval). */
    QueueSnapshot.Entry queueEntry(String jobId, Object queue) {
        getQueueStatus(queue)
        return lastSnapshot?.get(jobId)
    }

    /**
     * A requeued job waits ~2 min (Reason=BeginTime) before Slurm lets it start again; crflow's jobs never ask
     * for a begin time, so the hold is released at once. RH (requeue hold) needs `scontrol release`.
     */
    void releaseIfHeld(String jobId, QueueSnapshot.Entry entry) {
        if( !releaseRequeueHold || entry == null ) return
        List<String> cmd = null
        if( entry.requeueHold ) cmd = ['scontrol', 'update', "jobid=${jobId}".toString(), 'StartTime=now']
        else if( entry.heldForRelease ) cmd = ['scontrol', 'release', jobId]
        if( !cmd ) return
        final key = jobId + '@' + System.identityHashCode(lastSnapshot)
        if( released.putIfAbsent(key, Boolean.TRUE) != null ) return
        final out = SlurmCommands.run(cmd, 30_000)
        if( out.exitCode == 0 ) log.debug "[slurm-cr] job ${jobId}: released requeue hold (${entry.code} ${entry.reason})"
        else log.debug "[slurm-cr] job ${jobId}: could not release hold: ${cmd.join(' ')} -> ${out.exitCode} ${out.output}"
    }
}
