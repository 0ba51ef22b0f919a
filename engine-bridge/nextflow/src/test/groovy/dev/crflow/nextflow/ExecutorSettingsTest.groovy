package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import org.junit.jupiter.api.Test

/** The lookup order of Nextflow's getExecConfigProp (24.10, 25.04) and ExecutorConfig (25.10+), on a plain map. */
class ExecutorSettingsTest {

    @Test
    void executorScopedThenGenericThenEnvironmentThenDefault() {
        final config = [executor: ['$slurm-cr': [account: 'scoped'], account: 'generic', queueSize: 10]]
        assertEquals('scoped', new ExecutorSettings(config, [:]).get('slurm-cr', 'account', null))
        assertEquals('generic', new ExecutorSettings(config, [:]).get('slurm', 'account', null))
        assertEquals(10, new ExecutorSettings(config, [:]).get('slurm-cr', 'queueSize', 5))
        assertEquals('from-env', new ExecutorSettings([executor: [:]], [NXF_EXECUTOR_ACCOUNT: 'from-env']).get('slurm-cr', 'account', null))
        assertEquals('x', new ExecutorSettings([:], [:]).get('slurm-cr', 'account', 'x'))
    }

    @Test
    void executorGivenAsAPlainNameOrMissingIsNoSettings() {
        assertEquals(Optional.empty(), new ExecutorSettings([executor: 'slurm-cr'], [:]).string('slurm-cr', 'account'))
        assertEquals(Optional.empty(), new ExecutorSettings(null, [:]).string('slurm-cr', 'account'))
        assertEquals(Optional.empty(), new ExecutorSettings([executor: [account: '']], [:]).string('slurm-cr', 'account'))
        assertEquals(Optional.of('a1'), new ExecutorSettings([executor: [account: 'a1']], [:]).string('slurm-cr', 'account'))
    }
}
