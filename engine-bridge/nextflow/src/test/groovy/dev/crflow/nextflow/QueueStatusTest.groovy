package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import nextflow.executor.AbstractGridExecutor
import org.junit.jupiter.api.Test

/** Nextflow's queue view of slurm-cr, parsed and mapped by executor-slurm-cr: requeued is not dead, unknown is not dead. */
class QueueStatusTest {

    // `squeue --noheader --states=all -o '%A|%F|%K|%j|%T|%r|%N'` as Slurm 22.05 prints it
    static final String SQUEUE = '''\
        101|101|N/A|nf-1-COUNT|RUNNING|None|node1
        102|102|N/A|nf-2-COUNT|PENDING|Resources|
        103|103|N/A|nf-3-COUNT|PENDING|BeginTime|
        104|104|N/A|nf-4-COUNT|REQUEUED|None|
        105|105|N/A|nf-5-COUNT|REQUEUE_HOLD|JobHeldUser|
        106|106|N/A|nf-6-COUNT|PREEMPTED|None|node2
        107|107|N/A|nf-7-COUNT|SPECIAL_EXIT|None|
        108|108|N/A|nf-8-COUNT|COMPLETED|None|node1
        109|109|N/A|nf-9-COUNT|FAILED|NonZeroExitCode|node1
        110|110|N/A|nf-10-COUNT|NODE_FAIL|NodeDown|node2
        111|111|N/A|nf-11-COUNT|COMPLETING|None|node1
        112|112|N/A|nf-12-COUNT|SOMETHING_NEW|None|
        113|113|N/A|nf-13-COUNT|SUSPENDED|None|node1
        '''.stripIndent()

    static SlurmCrExecutor executorSeeing(String squeue) {
        return new SlurmCrExecutor() {
            @Override
            Map<String, AbstractGridExecutor.QueueStatus> getQueueStatus(Object queue) { squeue == null ? null : parseQueueStatus(squeue) }
        }
    }

    @Test
    void requeuedPreemptedHeldAndUnknownJobsStayActive() {
        final executor = executorSeeing(SQUEUE)
        for( id in ['101', '102', '103', '104', '105', '106', '110', '111', '112', '113'] )
            assertTrue(executor.checkActiveStatus(id, null), "job $id must stay active")
        assertFalse(executor.checkActiveStatus('108', null), 'completed')
        assertFalse(executor.checkActiveStatus('109', null), 'failed')
        assertFalse(executor.checkActiveStatus('999', null), 'gone from the queue')
    }

    @Test
    void preemptedIsNotAnError() {
        final status = executorSeeing(SQUEUE).getQueueStatus(null)
        assertEquals(AbstractGridExecutor.QueueStatus.HOLD, status['106'])
        assertEquals(AbstractGridExecutor.QueueStatus.HOLD, status['104'])
        assertEquals(AbstractGridExecutor.QueueStatus.PENDING, status['103'])
        assertEquals(AbstractGridExecutor.QueueStatus.UNKNOWN, status['112'])
    }

    @Test
    void failedSqueueMeansUnknownNotDead() {
        assertTrue(executorSeeing(null).checkActiveStatus('101', null))
    }

    @Test
    void oneSqueueForTheUsersJobsNotPerPartition() {
        final cmd = new SlurmCrExecutor().queueStatusCommand('debug')
        assertEquals(['squeue', '--noheader', '--states=all', '-o', '%A|%F|%K|%j|%T|%r|%N'], cmd.take(5))
        assertFalse(cmd.contains('-p'))
    }
}
