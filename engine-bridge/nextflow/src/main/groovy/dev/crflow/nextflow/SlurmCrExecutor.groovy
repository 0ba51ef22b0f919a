package dev.crflow.nextflow

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Clock
import java.time.Duration

import dev.crflow.dsl.model.Resources
import dev.crflow.dsl.model.SourceLocation
import dev.crflow.dsl.model.Step
import dev.crflow.dsl.model.StepCommand
import dev.crflow.dsl.model.PolicyRule
import dev.crflow.dsl.model.SiteSettings
import dev.crflow.dsl.settings.SettingsApplication
import dev.crflow.dsl.settings.SettingsException
import dev.crflow.dsl.settings.SettingsFiles
import dev.crflow.executor.control.PrivateFiles
import dev.crflow.executor.process.SystemProcessRunner
import dev.crflow.executor.slurm.BatchScriptRenderer
import dev.crflow.executor.slurm.CoordinatorLaunch
import dev.crflow.executor.slurm.JobPhase
import dev.crflow.executor.slurm.Quoting
import dev.crflow.executor.slurm.RenderRequest
import dev.crflow.executor.slurm.RetryPolicy
import dev.crflow.executor.slurm.SbatchDirective
import dev.crflow.executor.slurm.SlurmCli
import dev.crflow.executor.slurm.SlurmStepExecutor
import dev.crflow.executor.slurm.SqueueParser
import groovy.util.logging.Slf4j
import nextflow.executor.BashWrapperBuilder
import nextflow.executor.GridTaskHandler
import nextflow.executor.SlurmExecutor
import nextflow.processor.TaskArrayRun
import nextflow.processor.TaskRun
import nextflow.util.Escape
import nextflow.util.ServiceName
import org.pf4j.ExtensionPoint

/**
 * `executor = 'slurm-cr'`: Nextflow's Slurm executor made checkpoint/restart-aware, on top of
 * executor-slurm-cr (rendering, Slurm client, state mapping, one cached squeue) and the coordinator.
 * <ul>
 *   <li>jobs are submitted with `--requeue`, `--open-mode=append` and `--signal=B:SIG@lead` from the
 *       process's checkpoint policy (never Nextflow's forced `--no-requeue` and `B:USR2@30`);</li>
 *   <li>the batch script execs the coordinator, which runs Nextflow's task wrapper as its application
 *       and checkpoints it before the walltime, on preemption or on request;</li>
 *   <li>requeued, preempted, held and pending-after-requeue jobs stay active; an unknown state is unknown,
 *       not dead; the requeue hold is released at once; a job lost with its node is resubmitted;</li>
 *   <li>the task's control directory (images, journal) is keyed by the task's identity without the attempt,
 *       so a Nextflow retry or a `-resume` restarts from the newest valid image.</li>
 * </ul>
 * Config scope `crflow` in nextflow.config: `policy` (crflow DSL file with `policy { match('glob') {…} }`),
 * `controlRoot` (default: the site/user settings' controlRoot, else `<launchDir>/.crflow-nf`), `java`, `coordinatorJar`, `containerRuntime`, `stopTimeout`.
 */
@Slf4j
@ServiceName('slurm-cr')
class SlurmCrExecutor extends SlurmExecutor implements ExtensionPoint {

    private List<PolicyRule> policyRules = []
    /** Site and user settings (docs/settings.md): under the pipeline's own values. */
    private SiteSettings siteSettings = SiteSettings.empty()
    private Path controlRoot
    private CoordinatorLaunch coordinator
    private String containerRuntime = 'podman'
    private Duration stopTimeout = Duration.ofMinutes(5)
    private SlurmStepExecutor stepExecutor
    private final BatchScriptRenderer renderer = new BatchScriptRenderer()

    @Override
    void register() {
        super.register()
        final crflow = (session.config?.crflow ?: [:]) as Map
        siteSettings = loadSettings()
        controlRoot = controlRootFor(crflow.controlRoot, siteSettings, System.getenv(), Paths.get('').toAbsolutePath())
        final java = Paths.get(crflow.java?.toString() ?: defaultJava().toString())
        final jar = crflow.coordinatorJar ? Paths.get(crflow.coordinatorJar.toString()) : bundledCoordinatorJar()
        coordinator = new CoordinatorLaunch(java.toAbsolutePath(), jar.toAbsolutePath(), CoordinatorLaunch.DEFAULT_JVM_FLAGS)
        containerRuntime = crflow.containerRuntime?.toString() ?: 'podman'
        stopTimeout = CheckpointSettings.duration('(crflow config)', 'stopTimeout', crflow.stopTimeout ?: '5m')
        if( crflow.policy ) {
            final file = resolvePolicyFile(crflow.policy.toString())
            policyRules = PolicyFile.load(file, siteSettings)
            log.info "[slurm-cr] checkpoint policy ${file}: ${policyRules.size()} rule(s)"
        }
        if( !Files.isRegularFile(coordinator.jar()) )
            throw new IllegalStateException("slurm-cr: the coordinator jar is missing: ${coordinator.jar()} -- rebuild the plugin (scripts/nextflow does) or set crflow.coordinatorJar in nextflow.config")
        PrivateFiles.directory(controlRoot)
        // one squeue (by job name) per queue-stat interval serves every task of the run
        final ttl = Duration.ofMillis(queueInterval.toMillis())
        stepExecutor = new SlurmStepExecutor(new SlurmCli(new SystemProcessRunner(), RetryPolicy.standard(), Clock.systemUTC()),
                coordinator, Clock.systemUTC(), ttl, RetryPolicy.standard())
        log.debug "[slurm-cr] control root ${controlRoot}; coordinator ${coordinator.command(controlRoot)}; queue-stat ${ttl}"
    }

    /** Site and user settings (docs/settings.md), read as every front end reads them; a broken file stops the run. */
    static SiteSettings loadSettings() {
        try {
            final s = SettingsFiles.load()
            if( !s.isEmpty() ) log.info "[slurm-cr] settings: ${SettingsFiles.locate(System.getenv()).join(', ')}"
            return s
        }
        catch( SettingsException e ) {
            throw new IllegalArgumentException("slurm-cr: ${e.message}")
        }
    }

    /**
     * nextflow.config's `crflow.controlRoot`; else the settings' controlRoot (`<root>/nextflow/<launch dir>-<hash>`, one
     * per launch directory so `-resume` finds its images); else `<launchDir>/.crflow-nf`.
     */
    static Path controlRootFor(Object configured, SiteSettings settings, Map<String, String> env, Path launchDir) {
        if( configured ) return Paths.get(configured.toString()).toAbsolutePath().normalize()
        return SettingsApplication.controlRoot(settings, env, 'nextflow', launchDir)
                .orElse(launchDir.resolve('.crflow-nf')).toAbsolutePath().normalize()
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
    /**
     * The java jobs run when crflow.java is not set: a release's own runtime when this plugin is the one inside a
     * release (<release>/nextflow/plugins/nf-slurm-cr-V, also when linked from elsewhere), so compute nodes need no
     * Java; otherwise the JVM Nextflow runs on.
     */
    static Path defaultJava() {
        try {
            final pluginDir = bundledCoordinatorJar().toRealPath().parent.parent
            final release = pluginDir.parent?.parent?.parent
            final runtime = release?.resolve('runtime')?.resolve('bin')?.resolve('java')
            if( runtime != null && Files.isExecutable(runtime) && Files.isRegularFile(release.resolve('lib').resolve('crflow-coordinator.jar')) )
                return runtime
        }
        catch( Exception ignored ) {
            // no release around this plugin: Nextflow's own JVM
        }
        return Paths.get(System.getProperty('java.home'), 'bin', 'java')
    }

    static Path bundledCoordinatorJar() {
        final location = Paths.get(SlurmCrExecutor.protectionDomain.codeSource.location.toURI())
        final pluginDir = Files.isDirectory(location) ? location.parent : location.parent?.parent
        return pluginDir.resolve('coordinator').resolve('crflow-coordinator.jar')
    }

    Path getControlRoot() { controlRoot }

    Duration getStopTimeout() { stopTimeout }

    SlurmStepExecutor getStepExecutor() { stepExecutor }

    CoordinatorLaunch getCoordinator() {
        coordinator ?: new CoordinatorLaunch(Paths.get('/usr/bin/java'), Paths.get('/opt/crflow/crflow-coordinator.jar'), CoordinatorLaunch.DEFAULT_JVM_FLAGS)
    }

    static String processName(TaskRun task) {
        return task.processor?.name ?: task.name
    }

    CheckpointSettings.Resolved checkpointSettings(TaskRun task) {
        final ext = task.config.get('ext')
        final extCheckpoint = ext instanceof Map ? ((Map) ext).get('checkpoint') : null
        final image = task.config.get('container')?.toString()
        return CheckpointSettings.resolve(processName(task), policyRules, extCheckpoint, image ?: null, containerRuntime, siteSettings)
    }

    /** Run-unique per Nextflow attempt (the hash includes the attempt): `nf-<hash8>-<task name>`. */
    String jobNameFor(TaskRun task) {
        final hash = task.hash?.toString()
        final base = getJobNameFor(task)
        return hash ? 'nf-' + hash.substring(0, Math.min(8, hash.length())) + '-' + base.substring(3) : base
    }

    /**
     * The resolved step (docs/contracts.md section 1) of a task: the coordinator runs Nextflow's task wrapper
     * (`.command.run`) in the task's work dir, with the process's resources and checkpoint policy.
     */
    Step stepFor(TaskRun task, CheckpointSettings.Resolved settings) {
        final cfg = task.config
        final resources = new Resources(
                Optional.ofNullable(cfg.queue?.toString()),
                new ExecutorSettings(session?.config).string(name, 'account'),
                Optional.<String>empty(), Optional.<String>empty(),
                Optional.ofNullable(cfg.getTime() ? Duration.ofMillis(cfg.getTime().toMillis()) : null),
                Optional.<Duration>empty(),
                1, 1, Math.max(1, cfg.getCpus()),
                Optional.ofNullable(cfg.getMemory() ? (Long) cfg.getMemory().toMega() : null))
        final time = cfg.getTime()
        if( time && settings.policy.lead().toMillis() >= time.toMillis() )
            log.warn1 "[slurm-cr] process `${processName(task)}`: the warning signal lead (${settings.policy.lead().seconds}s) is not shorter than its time (${time}) -- the job will be signalled as soon as it starts"
        final options = ClusterOptions.split((cfg.getClusterOptionsAsList() ?: []) as List<String>)
        if( options[1] )
            log.warn1 "[slurm-cr] process `${processName(task)}`: clusterOptions ${options[1].join(' ')} ignored -- slurm-cr sets requeue, signal, logs, job name and time itself"
        final wrapper = task.workDir.resolve(TaskRun.CMD_RUN)
        // the settings' partition/account/QOS where the process sets none, their modules (how DMTCP gets on PATH)
        return SettingsApplication.apply(new Step(
                task.name,
                [],
                new StepCommand(StepCommand.Kind.COMMAND, '/bin/bash ' + Quoting.shell(wrapper.toString())),
                task.workDir.toString(),
                resources,
                [:],
                [],          // `module` is loaded by Nextflow's wrapper
                options[0],
                settings.policy,
                settings.container,
                0,           // application failures are retried by Nextflow's errorStrategy, not by the coordinator
                new SourceLocation(session?.scriptName ?: 'main.nf', 0)), siteSettings)
    }

    RenderRequest renderRequest(TaskRun task, Step step, Path ctl) {
        return new RenderRequest(step, jobNameFor(task), ctl, getCoordinator(), Optional.<Duration>empty(), [])
    }

    /** `#SBATCH` lines of a task, rendered by executor-slurm-cr (the one place they are written). */
    @Override
    String getHeaders(TaskRun task) {
        final ctl = taskControlDir(task)
        return renderer.directives(renderRequest(task, stepFor(task, checkpointSettings(task)), ctl))
                .collect { SbatchDirective d -> d.render() }.join('\n') + '\n'
    }

    @Override
    protected List<String> getDirectives(TaskRun task, List<String> result) {
        final ctl = taskControlDir(task)
        for( SbatchDirective d : renderer.directives(renderRequest(task, stepFor(task, checkpointSettings(task)), ctl)) )
            result << d.option() << d.value().orElse('')
        return result
    }

    Path taskControlDir(TaskRun task) {
        final root = controlRoot ?: Paths.get('.crflow-nf').toAbsolutePath()
        return root.resolve('tasks').resolve(TaskIdentity.of(task).dirName())
    }

    @Override
    GridTaskHandler createTaskHandler(TaskRun task) {
        assert task
        assert task.workDir
        if( task instanceof TaskArrayRun )
            throw new IllegalArgumentException("slurm-cr: process `${processName(task)}` uses the `array` directive, which slurm-cr does not support yet -- remove `array` (each task is then its own checkpointable job)")
        return new SlurmCrTaskHandler(task, this)
    }

    /** The task wrapper (the coordinator's application): no #SBATCH header, it is never submitted itself. */
    @Override
    protected BashWrapperBuilder createBashWrapperBuilder(TaskRun task) {
        final builder = new SlurmCrWrapperBuilder(task, checkpointSettings(task).policy.forward())
        builder.headerScript = "NXF_CHDIR=${Escape.path(task.workDir)}\n"
        return builder
    }

    @Override
    List<String> getSubmitCommandLine(TaskRun task, Path scriptFile) {
        return ['sbatch', '--parsable', scriptFile.toString()]
    }

    /**
     * Nextflow's own queue check (used only for its diagnostics: the handlers observe jobs through executor-slurm-cr's
     * shared snapshot) with executor-slurm-cr's parser and state mapping.
     */
    @Override
    protected List<String> queueStatusCommand(Object queue) {
        final result = ['squeue', '--noheader', '--states=all', '-o', SqueueParser.FORMAT]
        final user = System.getProperty('user.name')
        if( user ) result << '-u' << user
        return result
    }

    @Override
    protected Map<String, QueueStatus> parseQueueStatus(String text) {
        final result = new LinkedHashMap<String, QueueStatus>()
        SqueueParser.parse(text).each { result.put(it.jobId(), toQueueStatus(it.phase())) }
        return result
    }

    /** Active = may still run the task: queued, running, requeued (incl. preempted, lost-and-requeued), suspended, unknown. */
    static QueueStatus toQueueStatus(JobPhase phase) {
        switch( phase ) {
            case JobPhase.QUEUED: return QueueStatus.PENDING
            case JobPhase.RUNNING: return QueueStatus.RUNNING
            case JobPhase.REQUEUED: return QueueStatus.HOLD
            case JobPhase.SUSPENDED: return QueueStatus.HOLD
            case JobPhase.LOST: return QueueStatus.HOLD      // with --requeue Slurm brings it back; if not, the handler resubmits
            case JobPhase.ENDED: return QueueStatus.DONE
            case JobPhase.FAILED: return QueueStatus.ERROR
            case JobPhase.CANCELLED: return QueueStatus.ERROR
            default: return QueueStatus.UNKNOWN
        }
    }

    @Override
    boolean checkActiveStatus(Object jobId, Object queue) {
        final status = getQueueStatus(queue)
        if( status == null ) return true
        if( !status.containsKey(jobId?.toString()) ) return false
        final s = status.get(jobId.toString())
        return s != QueueStatus.DONE && s != QueueStatus.ERROR
    }
}
