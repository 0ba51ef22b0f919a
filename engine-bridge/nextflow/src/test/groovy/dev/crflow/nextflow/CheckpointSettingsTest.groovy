package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.time.Duration

import dev.crflow.dsl.model.CheckpointPolicy
import dev.crflow.dsl.model.ContainerRuntime
import dev.crflow.dsl.model.ContainerSpec
import dev.crflow.dsl.model.Engine
import dev.crflow.dsl.model.PolicyRule
import dev.crflow.dsl.model.SourceLocation
import org.junit.jupiter.api.Test

class CheckpointSettingsTest {

    static final CheckpointPolicy SIGNAL_POLICY = new CheckpointPolicy(Engine.SIGNAL, Optional.of(Duration.ofMinutes(10)), 'USR1',
            Duration.ofSeconds(90), Optional.of('USR2'), ['state.json'], 3, 7, Optional.empty())

    static final List<PolicyRule> RULES = [
            new PolicyRule('ALIGN*', Optional.of(SIGNAL_POLICY), Optional.empty(), Optional.empty(), new SourceLocation('checkpoint.groovy', 3)),
            new PolicyRule('*', Optional.empty(), Optional.of(new ContainerSpec('localhost/tools:1', ContainerRuntime.APPTAINER, ['/data:/data'], [])),
                    Optional.empty(), new SourceLocation('checkpoint.groovy', 12)),
    ]

    @Test
    void firstMatchingRuleGivesThePolicy() {
        final r = CheckpointSettings.resolve('ALIGN_READS', RULES, null, null, 'podman')
        assertEquals(SIGNAL_POLICY, r.policy)
        assertTrue(r.origin.contains("'ALIGN*'"))
    }

    @Test
    void noRuleNoExtMeansNoCheckpointButStillRequeued() {
        final r = CheckpointSettings.resolve('OTHER', [], null, null, 'podman')
        assertEquals(Engine.NONE, r.policy.engine())
        assertEquals('USR1', r.policy.signal())
        assertEquals(Duration.ofSeconds(60), r.policy.lead())
    }

    @Test
    void extCheckpointWinsKeyByKey() {
        final r = CheckpointSettings.resolve('ALIGN_READS', RULES, [lead: '30s', signal: 'SIGUSR2', interval: '120s'], null, 'podman')
        assertEquals(Duration.ofSeconds(30), r.policy.lead())
        assertEquals('USR2', r.policy.signal())
        assertEquals(Duration.ofSeconds(120), r.policy.interval().get())
        // untouched keys come from the policy rule
        assertEquals(Engine.SIGNAL, r.policy.engine())
        assertEquals(['state.json'], r.policy.state())
        assertEquals(3, r.policy.keep())
        assertEquals(7, r.policy.maxRestarts())
        assertEquals('USR2', r.policy.forward().get())
        assertEquals("policy rule 'ALIGN*' (checkpoint.groovy:3) + ext.checkpoint", r.origin)
    }

    @Test
    void extAloneDefaultsTheForwardSignalToTheWarningSignal() {
        final r = CheckpointSettings.resolve('X', [], [engine: 'signal', state: 'x.state', lead: nextflow.util.Duration.of('45s')], null, 'podman')
        assertEquals(Engine.SIGNAL, r.policy.engine())
        assertEquals('USR1', r.policy.forward().get())
        assertEquals(['x.state'], r.policy.state())
        assertEquals(Duration.ofSeconds(45), r.policy.lead())
    }

    @Test
    void unknownKeySuggestsTheClosest() {
        final e = assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [intervall: '5m'], null, 'podman') }
        assertEquals("Process `X`: unknown ext.checkpoint key 'intervall' -- did you mean 'interval'?", e.message)
    }

    @Test
    void unknownEngineSuggestsTheClosest() {
        final e = assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [engine: 'dmtc'], null, 'podman') }
        assertEquals("Process `X`: unknown checkpoint engine 'dmtc' -- did you mean 'dmtcp'?", e.message)
    }

    @Test
    void badSignalAndDurationSayWhatToWrite() {
        assertTrue(assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [signal: 'KILL'], null, 'podman') }.message.contains('USR1'))
        assertTrue(assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [lead: 'soon'], null, 'podman') }.message.contains("'90s'"))
        assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], 'dmtcp', null, 'podman') }
    }

    @Test
    void containerDirectiveUsesTheRulesRuntimeAndMounts() {
        final r = CheckpointSettings.resolve('ANY', RULES, null, 'localhost/sim:2', 'podman')
        final c = r.container.get()
        assertEquals('localhost/sim:2', c.image())
        assertEquals(ContainerRuntime.APPTAINER, c.runtime())
        assertEquals(['/data:/data'], c.mounts())
    }

    @Test
    void containerDirectiveWithoutRuleUsesTheConfiguredRuntimeOrExt() {
        assertEquals(ContainerRuntime.PODMAN, CheckpointSettings.resolve('X', [], null, 'img:1', 'podman').container.get().runtime())
        assertEquals(ContainerRuntime.SHIFTER, CheckpointSettings.resolve('X', [], [runtime: 'shifter'], 'img:1', 'podman').container.get().runtime())
        assertFalse(CheckpointSettings.resolve('X', [], null, null, 'podman').container.isPresent())
        assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [runtime: 'docker'], 'img:1', 'podman') }
    }

    /** The one bare-number rule (docs/dsl.md): before it, interval: 120 meant 120 seconds here and 120 minutes in Snakemake. */
    @Test
    void bareNumbersAreRefusedWithTheUnitsToChooseFrom() {
        final e = assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [interval: 120], null, 'podman') }
        assertEquals("Process `X`: ext.checkpoint interval 120 has no unit -- write '120s' (seconds) or '120m' (minutes)", e.message)
        // Nextflow would read the string '90' as 90 milliseconds
        assertTrue(assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [lead: '90'], null, 'podman') }.message.contains("'90s'"))
        assertEquals(Duration.ofMinutes(15), CheckpointSettings.resolve('X', [], [engine: 'dmtcp', interval: '15m'], null, 'podman').policy.interval().get())
        assertEquals(Duration.ofHours(2), CheckpointSettings.resolve('X', [], [engine: 'dmtcp', totalTime: '2 hours'], null, 'podman').policy.totalTime().get())
        assertEquals(Duration.ofSeconds(90), CheckpointSettings.resolve('X', [], [lead: 'PT90S'], null, 'podman').policy.lead())
    }

    @Test
    void intervalAutoGoesThroughTheResolver() {
        final p = CheckpointSettings.resolve('X', [], [engine: 'dmtcp', interval: 'auto'], null, 'podman').policy
        assertTrue(p.autoInterval())
        assertTrue(p.interval().isEmpty())
        assertEquals(Duration.ofMinutes(15), CheckpointSettings.resolve('X', [], [engine: 'dmtcp', interval: 15.min], null, 'podman').policy.interval().get())
    }

    @Test
    void sameRulesAsThePolicyFile() {
        // Slurm's --signal cannot send PWR, and the coordinator would not trap XCPU
        assertTrue(assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [signal: 'PWR'], null, 'podman') }.message.contains("cannot be the warning signal"))
        assertTrue(assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [signal: 'XCPU'], null, 'podman') }.message.contains("cannot be the warning signal"))
        // state must stay inside the workdir
        assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [engine: 'signal', state: '../x'], null, 'podman') }
        // interval without an engine does nothing: refused as in the DSL
        assertTrue(assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [interval: '5m'], null, 'podman') }.message.contains('engine'))
        // another engine drops the signal engine's forward and state
        final r = CheckpointSettings.resolve('ALIGN_READS', RULES, [engine: 'dmtcp'], null, 'podman')
        assertEquals(Engine.DMTCP, r.policy.engine())
        assertFalse(r.policy.forward().isPresent())
        assertEquals([], r.policy.state())
        assertEquals(Duration.ofMinutes(10), r.policy.interval().get())
    }

    @Test
    void extCheckpointFromScratchGoesThroughTheResolver() {
        final r = CheckpointSettings.resolve('COUNT', [], [engine: 'signal', state: ['state', 'count.out'], fromScratch: 'allow'], null, 'podman')
        assertEquals(dev.crflow.dsl.model.FromScratch.ALLOW, r.policy.fromScratch())
        assertEquals(dev.crflow.dsl.model.FromScratch.ALLOW, CheckpointSettings.resolve('ALIGN_READS', RULES, [fromScratch: 'allow'], null, 'podman').policy.fromScratch())
        assertEquals(dev.crflow.dsl.model.FromScratch.REFUSE, CheckpointSettings.resolve('ALIGN_READS', RULES, null, null, 'podman').policy.fromScratch())
        final e = assertThrows(IllegalArgumentException) { CheckpointSettings.resolve('X', [], [engine: 'signal', state: 's', fromScratch: 'alow'], null, 'podman') }
        assertEquals("Process `X`: unknown fromScratch 'alow' -- did you mean 'allow'?", e.message)
    }
}
