package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.time.Duration

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

/**
 * A node dies under a running COUNT task (scripts/local-slurm kill-node: slurmd, the coordinator and the
 * application, all SIGKILLed). Slurm requeues the job, the executor keeps the task alive while it is
 * pending and releases the requeue hold, and the next job restores COUNT from its newest image on the
 * other node instead of counting from zero.
 */
class NextflowNodeLossIT extends NextflowSlurmTestBase {

    String killedNode

    /** Runs before the base class's cleanup (JUnit runs a subclass's @AfterEach first). */
    @AfterEach
    void reviveNode() {
        if( killedNode )
            NextflowSlurmHarness.run([NextflowSlurmHarness.REPO.resolve('scripts/local-slurm').toString(), 'revive-node', killedNode], Duration.ofMinutes(2))
    }

    @Test
    void taskOnALostNodeRestartsFromItsImage() {
        nf = new NextflowSlurmHarness('node-loss')
        nf.writeConfig("process { withName: 'COUNT' { time = '10m' } }\n")
        final driver = nf.start(['--to', '100', '--step', '0.5'])

        final ctl = awaitCountImage()
        final jobId = NextflowSlurmHarness.jobId(ctl)
        killedNode = NextflowSlurmHarness.jobField(jobId, '%N')
        assertTrue(killedNode ==~ /node\d+/, "COUNT's job ${jobId} should be running on a node: '${killedNode}'")
        final savedBeforeLoss = NextflowSlurmHarness.newestSavedCount(ctl)

        final kill = NextflowSlurmHarness.run([NextflowSlurmHarness.REPO.resolve('scripts/local-slurm').toString(), 'kill-node', killedNode, '--wait'], Duration.ofMinutes(2))
        assertEquals(0, kill.exit, kill.output)

        assertEquals(0, nf.await(driver, Duration.ofMinutes(6)), nf.diagnostics())
        final report = assertCountedFromZeroOnce(100)
        final starts = report.starts as List<Integer>
        assertTrue(starts.any { it >= savedBeforeLoss && it > 0 }, "after the loss COUNT resumed from its image (saved ${savedBeforeLoss}):\n${report.text}")

        final journal = NextflowSlurmHarness.journal(ctl)
        assertTrue(journal.any { it.event == 'restore' && it.ok }, "a restore from an image:\n${journal.join('\n')}")
    }
}
