package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Paths
import java.time.Duration

import dev.crflow.dsl.model.CheckpointPolicy
import dev.crflow.dsl.model.Engine
import dev.crflow.dsl.model.StepCommand
import dev.crflow.executor.slurm.BatchScriptRenderer
import nextflow.processor.TaskConfig
import nextflow.processor.TaskRun
import org.junit.jupiter.api.Test

/** The batch script of a task, rendered by executor-slurm-cr from the step the plugin makes of it. */
class BatchScriptTest {

    static final CheckpointPolicy POLICY = new CheckpointPolicy(Engine.SIGNAL, Optional.empty(), 'USR1', Duration.ofSeconds(30),
            Optional.of('USR1'), ['count.state'], 2, 20, Optional.empty())
    static final CheckpointSettings.Resolved SETTINGS = new CheckpointSettings.Resolved(POLICY, Optional.empty(), 'test')

    static TaskRun task(Map config) {
        final t = new TaskRun(name: 'COUNT (1)', workDir: Paths.get('/scratch/work/ab/cdef12'), config: new TaskConfig(config))
        return t
    }

    static String render(TaskRun t) {
        final executor = new SlurmCrExecutor()
        final step = executor.stepFor(t, SETTINGS)
        return new BatchScriptRenderer().render(executor.renderRequest(t, step, Paths.get('/home/me/run/.crflow-nf/tasks/COUNT-0123')))
    }

    @Test
    void rendersTheBatchScriptThatExecsTheCoordinator() {
        final script = render(task(cpus: 2, time: '1m', memory: '2 GB', queue: 'debug',
                clusterOptions: '--qos=normal --no-requeue --signal=B:USR2@30 -x node9'))
        if( System.getProperty('golden.update') ) new File('src/test/resources/golden/count.sbatch').text = script
        assertEquals(BatchScriptTest.getResource('/golden/count.sbatch').text, script)
    }

    @Test
    void neverNoRequeueNeverNextflowsOwnSignal() {
        final script = render(task(clusterOptions: ['--no-requeue', '--signal', 'B:USR2@30', '--exclusive']))
        assertFalse(script.contains('--no-requeue'))
        assertFalse(script.contains('USR2'))
        assertTrue(script.contains('#SBATCH --requeue\n'))
        assertTrue(script.contains("#SBATCH --open-mode='append'\n"))
        assertTrue(script.contains("#SBATCH --signal='B:USR1@30'\n"))
        assertTrue(script.contains('#SBATCH --exclusive\n'))
    }

    @Test
    void theStepRunsNextflowsWrapperInTheTaskWorkDir() {
        final step = new SlurmCrExecutor().stepFor(task(cpus: 4, time: '2h', memory: '1 GB', queue: 'long'), SETTINGS)
        assertEquals(StepCommand.Kind.COMMAND, step.command().kind())
        assertEquals("/bin/bash '/scratch/work/ab/cdef12/.command.run'", step.command().text())
        assertEquals('/scratch/work/ab/cdef12', step.workdir())
        assertEquals(4, step.resources().cpusPerTask())
        assertEquals(Duration.ofHours(2), step.resources().time().get())
        assertEquals(1024L, step.resources().memMb().get())
        assertEquals('long', step.resources().partition().get())
        assertEquals(POLICY, step.checkpoint())
        assertEquals(0, step.retry(), 'application failures belong to Nextflow errorStrategy')
    }

    @Test
    void wrapperPathsWithSpacesAreQuoted() {
        final t = new TaskRun(name: 'X', workDir: Paths.get("/data/my work/it's"), config: new TaskConfig([:]))
        assertEquals("/bin/bash '/data/my work/it'\\''s/.command.run'", new SlurmCrExecutor().stepFor(t, SETTINGS).command().text())
    }

    @Test
    void clusterOptionsOwnedByCrflowAreDropped() {
        final r = ClusterOptions.split(['--qos=low', '--signal', 'B:USR2@30', '--requeue', '-o', 'x.log', '--exclusive', '-x', 'node9', '-t', '10'])
        assertEquals(['--qos=low', '--exclusive', '-x node9'], r[0])
        assertEquals(['--signal B:USR2@30', '--requeue', '-o x.log', '-t 10'], r[1])
    }
}
