package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.time.Duration

import org.junit.jupiter.api.Test

/**
 * The one real-walltime case of the Nextflow front end: COUNT needs 50 s of work under `time '1m'` with the
 * warning 30 s ahead. One window gives at most 30 s of work, so it needs at least two jobs at any machine speed
 * (a slow start only adds jobs; nothing here asserts more than that bound). Every job but the last ends with
 * Slurm's real warning signal, a checkpoint and a requeue of the same job; the pipeline finishes with the right
 * count and no work done twice.
 */
class NextflowWalltimeIT extends NextflowSlurmTestBase {

    @Test
    void longProcessSpanningThreeWalltimesFinishesWithTheRightOutput() {
        nf = new NextflowSlurmHarness('walltime')
        final driver = nf.start(['--to', '100', '--step', '0.5'])
        assertEquals(0, nf.await(driver, Duration.ofMinutes(6)), nf.diagnostics())

        final report = nf.report()
        assertEquals(100, report.count, report.text)
        final starts = report.starts as List<Integer>
        assertTrue(starts.size() >= 2, "50 s of work cannot fit one 30 s window: at least two jobs:\n${report.text}")
        assertEquals(0, starts[0])
        assertTrue(starts.drop(1).every { it > 0 }, "every later job continues from a checkpoint, none from scratch:\n${report.text}")
        assertEquals(starts, starts.toSorted(), "progress never goes back:\n${report.text}")

        final ctl = nf.taskControlDir('COUNT')
        final journal = NextflowSlurmHarness.journal(ctl)
        final signalled = journal.findAll { it.event == 'checkpoint' && it.trigger == 'signal' && it.ok }
        assertTrue(signalled.size() >= starts.size() - 1, "Slurm's warning signal ended every job but the last with a checkpoint:\n${journal.join('\n')}")
        final jobIds = journal.findAll { it.event == 'attempt-start' }.collect { it.jobId }.unique()
        assertEquals(1, jobIds.size(), "one Slurm job, requeued (never resubmitted by Nextflow): ${jobIds}")
        // Nextflow itself saw one successful attempt: no retry, no new work dir
        assertFalse(nf.driverLog(1).contains('Execution is retried'), nf.driverLog(1))
    }
}
