package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Paths
import java.time.Duration

import dev.crflow.dsl.model.CheckpointPolicy
import dev.crflow.dsl.model.Engine
import nextflow.processor.TaskConfig
import nextflow.processor.TaskRun
import org.junit.jupiter.api.Test

class BatchScriptTest {

    static String golden(String name) {
        BatchScriptTest.getResource("/golden/$name").text
    }

    static TaskRun task(Map config) {
        new TaskRun(name: 'COUNT (1)', workDir: Paths.get('/scratch/work/ab/cdef12'), config: new TaskConfig(config))
    }

    static final CheckpointPolicy POLICY = new CheckpointPolicy(Engine.SIGNAL, Optional.empty(), 'USR1', Duration.ofSeconds(30),
            Optional.of('USR1'), ['count.state'], 2, 20, Optional.empty())

    @Test
    void rendersTheBatchScriptThatExecsTheCoordinator() {
        final t = task(cpus: 2, time: '1m', memory: '2 GB', queue: 'debug',
                clusterOptions: '--qos=normal --no-requeue --signal=B:USR2@30 -x node9')
        final ctl = Paths.get('/home/me/run/.crflow-nf/tasks/COUNT-0123')
        final directives = new SlurmCrExecutor().jobDirectives(t, POLICY, ctl)
        final script = BatchScript.render(directives, ['/usr/bin/java', '-jar', '/opt/crflow/crflow-coordinator.jar', 'run', '--control', ctl.toString()])
        assertEquals(golden('count.sbatch'), script)
    }

    @Test
    void neverNoRequeueNeverNextflowsOwnSignal() {
        final directives = new SlurmCrExecutor().jobDirectives(task(clusterOptions: ['--no-requeue', '--signal', 'B:USR2@30']), POLICY, Paths.get('/c'))
        final flat = directives.flatten()
        assertFalse(flat.contains('--no-requeue'))
        assertFalse(flat.any { it.toString().contains('USR2') })
        assertTrue(flat.contains('--requeue'))
        assertTrue(flat.contains('--open-mode=append'))
        assertTrue(flat.contains('--signal=B:USR1@30'))
    }

    @Test
    void pathsWithSpacesAndQuotesAreQuoted() {
        assertEquals("'/a b/it'\\''s.jar'", BatchScript.shellQuote("/a b/it's.jar"))
        assertEquals('/plain/path-1.jar', BatchScript.shellQuote('/plain/path-1.jar'))
        assertEquals('"/a b"', BatchScript.directiveValue('/a b'))
        assertThrows(IllegalArgumentException) { BatchScript.directiveValue('x"y') }
        final script = BatchScript.render([['-J', 'x']], ['java', '-jar', '/a b/c.jar', 'run', '--control', '/ctl dir/$(rm -rf ~)'])
        assertTrue(script.endsWith("exec java -jar '/a b/c.jar' run --control '/ctl dir/\$(rm -rf ~)'\n"), script)
    }

    @Test
    void clusterOptionsOwnedByCrflowAreDropped() {
        final r = BatchScript.filterClusterOptions(['--qos=low', '--signal', 'B:USR2@30', '--requeue', '-o', 'x.log', '--exclusive'])
        assertEquals(['--qos=low', '--exclusive'], r[0])
        assertEquals(['--signal', 'B:USR2@30', '--requeue', '-o', 'x.log'], r[1])
    }
}
