package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import nextflow.executor.AbstractGridExecutor
import org.junit.jupiter.api.Test

class QueueSnapshotTest {

    // real `squeue --noheader -o '%i|%t|%r' -t all` lines (Slurm 22.05), including states Nextflow's map lacks
    static final String SQUEUE = '''\
        101|R|None
        102|PD|Resources
        103|PD|BeginTime
        104|RQ|None
        105|RH|JobHeldUser
        106|PR|None
        107|SE|None
        108|CD|None
        109|F|NonZeroExitCode
        110|NF|NodeDown
        111|CG|None
        112|XX|Something new
        113|S|None
        '''.stripIndent()

    @Test
    void parsesEveryLineWithItsReason() {
        final s = QueueSnapshot.parse(SQUEUE)
        assertEquals(13, s.entries.size())
        assertEquals('BeginTime', s.get('103').reason)
        assertEquals('Something new', s.get('112').reason)
        assertTrue(s.get('103').requeueHold)
        assertFalse(s.get('102').requeueHold)
        assertTrue(s.get('105').heldForRelease)
    }

    @Test
    void requeuedPreemptedAndUnknownStatesAreNotDead() {
        final s = QueueSnapshot.parse(SQUEUE)
        for( id in ['101', '102', '103', '104', '105', '106', '107', '110', '111', '112', '113'] )
            assertTrue(s.get(id).phase.active, "job $id (${s.get(id).code}) must stay active")
        assertFalse(s.get('108').phase.active)
        assertFalse(s.get('109').phase.active)
        assertEquals(SlurmJobState.Phase.UNKNOWN, s.get('112').phase)
        assertEquals(SlurmJobState.Phase.REQUEUED, s.get('106').phase, 'PREEMPTED is not a failure')
    }

    @Test
    void longStateNamesMapToo() {
        assertEquals(SlurmJobState.Phase.REQUEUED, SlurmJobState.phaseOf('REQUEUE_HOLD'))
        assertEquals(SlurmJobState.Phase.UNKNOWN, SlurmJobState.phaseOf(null))
    }

    @Test
    void activeStatusKeepsRequeuedAndPendingJobs() {
        final executor = new SlurmCrExecutor() {
            @Override
            Map<String, AbstractGridExecutor.QueueStatus> getQueueStatus(Object queue) { parseQueueStatus(SQUEUE) }
        }
        assertTrue(executor.checkActiveStatus('103', null), 'pending after requeue')
        assertTrue(executor.checkActiveStatus('104', null), 'requeued')
        assertTrue(executor.checkActiveStatus('106', null), 'preempted')
        assertTrue(executor.checkActiveStatus('112', null), 'unknown state')
        assertFalse(executor.checkActiveStatus('108', null), 'completed')
        assertFalse(executor.checkActiveStatus('999', null), 'gone from the queue')
    }

    @Test
    void failedSqueueMeansUnknownNotDead() {
        final executor = new SlurmCrExecutor() {
            @Override
            Map<String, AbstractGridExecutor.QueueStatus> getQueueStatus(Object queue) { null }
        }
        assertTrue(executor.checkActiveStatus('101', null))
    }

    @Test
    void oneSqueueForAllPartitions() {
        final cmd = new SlurmCrExecutor().queueStatusCommand('debug')
        assertEquals(['squeue', '--noheader', '-o', '%i|%t|%r', '-t', 'all'], cmd.take(6))
        assertFalse(cmd.contains('-p'))
    }
}
