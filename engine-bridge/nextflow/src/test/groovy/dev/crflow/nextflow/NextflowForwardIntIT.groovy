package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

import org.junit.jupiter.api.Test

/**
 * The measured wrong-output bug, on the real Nextflow 24.10.0 and the real local Slurm: a process runs the seeds'
 * count program (examples/count/count.py: on SIGINT it stops, writes the next number to `state`, exits 1) under
 * `forward 'INT'; state 'state'`. The forwarded SIGINT went to the whole process group, where Nextflow's task
 * wrapper caught it (`trap on_term TERM INT`) and killed the task before it saved: the checkpoint failed ("none of
 * the declared state files exist"), the job restarted from scratch and the pipeline ended with exit 0 and a
 * counts.txt with numbers repeated (78 lines for 45 numbers).
 * <p>
 * Here the warning signal is sent on demand (`scancel --batch -s USR1`, the policy's signal) twice, each time once
 * the task has counted something new; every checkpoint must succeed and the output must hold every number exactly
 * once, in order. Nothing depends on machine speed: the test waits for conditions, and the count is long enough
 * (60 × 0.5 s) that it cannot finish between an observation and the signal that follows it.
 */
class NextflowForwardIntIT extends NextflowSlurmTestBase {

    static final int STOP = 60

    @Test
    void forwardedIntReachesTheCountProgramOnlySoEveryNumberIsCountedOnce() {
        nf = new NextflowSlurmHarness('forward-int')
        final countPy = NextflowSlurmHarness.REPO.resolve('examples/count/count.py')
        assertTrue(Files.isRegularFile(countPy), "the seeds' count program: ${countPy}")
        final script = nf.launchDir.resolve('count-int.nf')
        script.text = """\
            process COUNT {
                time '10m'
                output:
                path 'counts.txt'
                script:
                \"\"\"
                COUNT_STOP=${STOP} COUNT_DELAY=0.5 python3 '${countPy}'
                cp count.out counts.txt
                \"\"\"
            }
            workflow { COUNT() }
            """.stripIndent()
        nf.launchDir.resolve('checkpoint.groovy').text = """\
            policy {
                match('COUNT') {
                    checkpoint {
                        engine 'signal'
                        signal 'USR1', lead: '60s'
                        forward 'INT'
                        state 'state'
                    }
                }
            }
            """.stripIndent()
        nf.writeConfig("crflow { policy = 'checkpoint.groovy' }\nprocess.executor = 'slurm-cr'\n")
        final driver = nf.start([], script)

        int signalled = 0
        int countedBefore = 0
        for( int round = 1; round <= 2; round++ ) {
            final ctl = awaitTaskRunning('COUNT', countedBefore + 3)
            final jobId = NextflowSlurmHarness.jobId(ctl)
            final r = NextflowSlurmHarness.run(['scancel', '--batch', '-s', 'USR1', jobId], Duration.ofSeconds(30))
            assertEquals(0, r.exit, "scancel --batch -s USR1 ${jobId}: ${r.output}")
            signalled++
            nf.waitUntil("checkpoint ${round} after the warning signal", Duration.ofMinutes(2)) {
                NextflowSlurmHarness.journal(ctl).count { it.event == 'checkpoint' && it.trigger == 'signal' } >= round
            }
            countedBefore = counted(workDirOf('COUNT'))
        }
        assertEquals(0, nf.await(driver, Duration.ofMinutes(6)), nf.diagnostics())

        final ctl = nf.taskControlDir('COUNT')
        final journal = NextflowSlurmHarness.journal(ctl)
        final checkpoints = journal.findAll { it.event == 'checkpoint' }
        assertTrue(checkpoints.every { it.ok }, "every checkpoint succeeded (the task, not the wrapper, got SIGINT):\n${journal.join('\n')}")
        assertEquals(signalled, checkpoints.count { it.trigger == 'signal' && it.ok }, journal.join('\n'))
        final counts = workDirOf('COUNT').resolve('counts.txt').readLines()
        assertEquals((1..STOP).collect { it.toString() }, counts, "every number exactly once, in order:\n${nf.diagnostics()}")
        final restores = journal.findAll { it.event == 'restore' && it.ok }
        assertEquals(signalled, restores.size(), "each requeued attempt restored the state the task saved:\n${journal.join('\n')}")
    }

    /** Waits until the task's job runs and its count.out has more than {@code lines} lines; returns its control dir. */
    private Path awaitTaskRunning(String process, int lines) {
        Path ctl = null
        nf.waitUntil("${process} running with more than ${lines} numbers counted", Duration.ofMinutes(4)) {
            ctl = nf.taskControlDir(process)
            final id = NextflowSlurmHarness.jobId(ctl)
            final work = workDirOf(process)
            id && work && NextflowSlurmHarness.jobField(id, '%t') == 'R' && counted(work) > lines
        }
        return ctl
    }

    private Path workDirOf(String process) {
        final ctl = nf.taskControlDir(process)
        final identity = ctl?.resolve('identity.json')
        if( !identity || !Files.exists(identity) ) return null
        return Path.of((new groovy.json.JsonSlurper().parseText(identity.text) as Map).firstWorkDir as String)
    }

    private static int counted(Path work) {
        final out = work?.resolve('count.out')
        return out && Files.exists(out) ? out.readLines().size() : 0
    }
}
