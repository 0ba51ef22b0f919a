package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration

import dev.crflow.dsl.SettingsLoader
import dev.crflow.dsl.model.Engine
import dev.crflow.dsl.model.SiteSettings
import nextflow.processor.TaskConfig
import nextflow.processor.TaskRun
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** The site and user settings reach a Nextflow task as they reach a crflow step: under the pipeline's own values. */
class SiteSettingsTest {
    @TempDir Path tmp

    static SiteSettings settings(String text) {
        return SettingsLoader.parse(text, 'site.groovy').settings().orElseThrow()
    }

    static final String SITE = "settings { engine 'dmtcp'; grace '2m'; partition 'batch'; account 'proj'; qos 'low'; modules 'dmtcp/3.0'; controlRoot '/scratch/\$USER/crflow' }"

    @Test
    void engineAndGraceUnderExtCheckpointAndTheRule() {
        final s = settings(SITE)
        // ext.checkpoint names no engine: the settings' engine; no lead: the settings' grace
        final r = CheckpointSettings.resolve('COUNT', [], [interval: '10m'], null, 'podman', s)
        assertEquals(Engine.DMTCP, r.policy.engine())
        assertEquals(Duration.ofMinutes(2), r.policy.lead())
        assertEquals(Optional.of(Duration.ofMinutes(10)), r.policy.interval())
        // the process's own values win
        final own = CheckpointSettings.resolve('COUNT', [], [engine: 'signal', lead: '30s', state: 'x'], null, 'podman', s)
        assertEquals(Engine.SIGNAL, own.policy.engine())
        assertEquals(Duration.ofSeconds(30), own.policy.lead())
        // no checkpoint declared anywhere: no engine forced on it, but the grace is its warning lead
        final none = CheckpointSettings.resolve('COUNT', [], null, null, 'podman', s)
        assertEquals(Engine.NONE, none.policy.engine())
        assertEquals(Duration.ofMinutes(2), none.policy.lead())
        // a policy rule loaded with the settings: its block names no engine
        final policy = tmp.resolve('policy.groovy')
        Files.writeString(policy, "policy { match('COUNT*') { checkpoint { interval '5m' } } }\n")
        final rules = PolicyFile.load(policy, s)
        final byRule = CheckpointSettings.resolve('COUNT', rules, null, null, 'podman', s)
        assertEquals(Engine.DMTCP, byRule.policy.engine())
        assertEquals(Duration.ofMinutes(2), byRule.policy.lead())
    }

    @Test
    void resourcesAndModulesUnderTheProcess() {
        final executor = new SlurmCrExecutor()
        executor.@siteSettings = settings(SITE)
        final t = new TaskRun(name: 'COUNT (1)', workDir: Paths.get('/scratch/work/ab/cd'), config: new TaskConfig([queue: 'debug']))
        final step = executor.stepFor(t, BatchScriptTest.SETTINGS)
        assertEquals(Optional.of('debug'), step.resources().partition(), 'the process queue wins')
        assertEquals(Optional.of('proj'), step.resources().account())
        assertEquals(Optional.of('low'), step.resources().qos())
        assertEquals(['dmtcp/3.0'], step.modules(), 'how DMTCP gets on PATH in the job')
    }

    @Test
    void controlRootFromTheSettingsWhenNextflowConfigNamesNone() {
        final s = settings(SITE)
        final launch = Paths.get('/home/ann/pipelines/rnaseq')
        final root = SlurmCrExecutor.controlRootFor(null, s, [USER: 'ann'], launch)
        assertTrue(root.startsWith(Paths.get('/scratch/ann/crflow/nextflow')), root.toString())
        assertTrue(root.fileName.toString().startsWith('rnaseq-'), root.toString())
        assertEquals(root, SlurmCrExecutor.controlRootFor(null, s, [USER: 'ann'], launch), 'stable: -resume finds its images')
        assertEquals(Paths.get('/data/ctl'), SlurmCrExecutor.controlRootFor('/data/ctl', s, [USER: 'ann'], launch), 'nextflow.config wins')
        assertEquals(launch.resolve('.crflow-nf'), SlurmCrExecutor.controlRootFor(null, SiteSettings.empty(), [:], launch))
    }
}
