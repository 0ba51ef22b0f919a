package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.time.Duration

import org.junit.jupiter.api.Test

/**
 * The Nextflow driver is SIGKILLed while COUNT runs (its Slurm job keeps running). `-resume` then reuses
 * PREPARE from the cache, finds COUNT's job of the killed run still holding the task, has it checkpoint and
 * stop, and restarts COUNT (in a new work dir) from that image: checkpointed work is not recomputed.
 */
class NextflowResumeIT extends NextflowSlurmTestBase {

    @Test
    void resumeAfterTheDriverIsKilledFinishesFromTheCheckpoint() {
        nf = new NextflowSlurmHarness('driver-kill')
        nf.writeConfig("process { withName: 'COUNT' { time = '10m' } }\n")
        final first = nf.start(['--to', '100', '--step', '0.5'])

        final ctl = awaitCountImage()
        final orphanJob = NextflowSlurmHarness.jobId(ctl)
        first.destroyForcibly()     // SIGKILL: scripts/nextflow execs the JVM, so this is the driver itself
        first.waitFor()
        final savedAtKill = NextflowSlurmHarness.newestSavedCount(ctl)
        assertEquals('R', NextflowSlurmHarness.jobField(orphanJob, '%t'), 'the killed driver leaves its job running')

        final second = nf.start(['--to', '100', '--step', '0.5', '-resume'])
        assertEquals(0, nf.await(second, Duration.ofMinutes(6)), nf.diagnostics())

        final log = nf.driverLog(2)
        assertTrue(log.contains('Cached process > PREPARE'), "PREPARE comes from the cache:\n${log}")
        final report = assertCountedFromZeroOnce(100)
        final starts = report.starts as List<Integer>
        assertTrue(starts.last() >= savedAtKill && starts.last() > 0, "the resumed COUNT started from its checkpoint (saved ${savedAtKill} when the driver died):\n${report.text}")
        assertNotEquals(orphanJob, NextflowSlurmHarness.jobId(ctl), 'the resumed run submitted its own job')
        assertNull(NextflowSlurmHarness.jobField(orphanJob, '%t') ?: null, 'the old job is gone')
    }
}
