package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

import nextflow.executor.BashWrapperBuilder
import nextflow.processor.TaskBean
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The real wrapper Nextflow 24.10.0 renders (command-run.txt), patched, then run by bash: the warning
 * signal sent to the process group reaches the task, the wrapper neither kills it nor exits before it.
 */
class AppWrapperTest {

    @TempDir
    Path dir

    Path buildWrapper(String script, Optional<String> forward = Optional.empty()) {
        final builder = new BashWrapperBuilder(new TaskBean(workDir: dir, script: script, name: 'COUNT (1)', shell: ['/bin/bash', '-ue']))
        builder.headerScript = "NXF_CHDIR=${dir}\n"
        final wrapper = builder.build()
        wrapper.text = AppWrapper.patch(wrapper.text, forward)
        return wrapper
    }

    @Test
    void patchReplacesTheKillingTrapsAndTheSingleWait() {
        final text = buildWrapper('echo hi').text
        assertFalse(text.contains('trap on_term TERM INT USR2'))
        assertTrue(text.contains("trap '' USR1 USR2"))
        assertTrue(text.contains('while :; do wait $pid'))
        assertTrue(text.contains('tee -a .command.out'))
        assertEquals(0, new ProcessBuilder('bash', '-n', dir.resolve('.command.run').toString()).start().waitFor())
    }

    @Test
    void unknownWrapperIsRefusedLoudly() {
        final e = assertThrows(IllegalStateException) { AppWrapper.patch('#!/bin/bash\necho not a nextflow wrapper\n') }
        assertTrue(e.message.contains('24.10.0'))
    }

    @Test
    void warningSignalToTheGroupReachesTheTaskWhichSavesAndExits() {
        // the task saves its state on USR1 after a while and exits 75, like count.py
        final script = '''\
            trap 'echo saved > state.txt; exit 75' USR1
            echo started
            for i in $(seq 1 300); do sleep 0.1; done
            echo finished > state.txt
            '''.stripIndent()
        buildWrapper(script)
        // the coordinator starts the application as a process-group leader (setsid here)
        final proc = new ProcessBuilder('setsid', '/bin/bash', dir.resolve('.command.run').toString())
                .directory(dir.toFile()).redirectErrorStream(true).start()
        final deadline = System.currentTimeMillis() + 10_000
        while( !(Files.exists(dir.resolve('.command.out')) && dir.resolve('.command.out').text.contains('started')) && System.currentTimeMillis() < deadline )
            sleep 100
        assertTrue(dir.resolve('.command.out').text.contains('started'))
        assertEquals(0, new ProcessBuilder('kill', '-USR1', '--', "-${proc.pid()}".toString()).start().waitFor())
        assertTrue(proc.waitFor(20, TimeUnit.SECONDS), 'the wrapper must end once the task has saved')
        assertEquals('saved\n', dir.resolve('state.txt').text, 'the task, not the wrapper, handled the signal')
        assertEquals(75, proc.exitValue())
        // a requeued job runs the wrapper again: output is appended
        final again = new ProcessBuilder('setsid', '/bin/bash', dir.resolve('.command.run').toString()).directory(dir.toFile()).start()
        sleep 1500
        new ProcessBuilder('kill', '-USR1', '--', "-${again.pid()}".toString()).start().waitFor()
        assertTrue(again.waitFor(20, TimeUnit.SECONDS))
        assertEquals(2, dir.resolve('.command.out').text.readLines().count { it == 'started' })
    }

    @Test
    void forwardedSignalsAreTheTasksOnlyAndTermIntStillStopWhenNotForwarded() {
        assertEquals("trap on_term TERM INT\n    trap '' USR1 USR2  # crflow: warning and forwarded signals belong to the coordinator and the task\n",
                AppWrapper.traps(AppWrapper.taskSignals(Optional.of('USR1'))))
        assertEquals(['USR1', 'USR2', 'INT'], AppWrapper.taskSignals(Optional.of('SIGINT')))
        assertTrue(AppWrapper.traps(AppWrapper.taskSignals(Optional.of('INT'))).startsWith('trap on_term TERM\n'))
        assertTrue(AppWrapper.traps(AppWrapper.taskSignals(Optional.of('TERM'))).startsWith('trap on_term INT\n'))
        final text = buildWrapper('echo hi', Optional.of('INT')).text
        assertFalse(text.contains('trap on_term TERM INT'))
        assertTrue(text.contains("trap '' USR1 USR2 INT"))
        assertTrue(text.contains("trap 'true' USR1 USR2 INT"))
        assertThrows(IllegalArgumentException) { AppWrapper.taskSignals(Optional.of('INT; rm -rf /')) }
    }

    /**
     * The measured bug: with `forward 'INT'` the stock trap (`on_term` on INT) killed the seeds' count program before
     * it saved, so every restart counted from 1 again. Here the real count.py runs under the patched wrapper; each
     * run is interrupted by SIGINT to the whole process group (what the coordinator sends) once it has counted
     * something new, until a run finishes by itself. Every number must be counted exactly once, in order.
     */
    @Test
    void forwardedIntReachesTheSeedsCountProgramWhichSavesSoEveryNumberIsCountedOnce() {
        final countPy = Path.of('../../examples/count/count.py').toAbsolutePath().normalize()
        assertTrue(Files.isRegularFile(countPy), "the seeds' count program: ${countPy}")
        buildWrapper("COUNT_STOP=30 COUNT_DELAY=0.05 python3 ${countPy}\n", Optional.of('INT'))
        final out = dir.resolve('count.out')
        int interrupted = 0
        boolean finished = false
        final deadline = System.currentTimeMillis() + 120_000
        while( !finished && System.currentTimeMillis() < deadline ) {
            final before = Files.exists(out) ? out.readLines().size() : 0
            final proc = new ProcessBuilder('setsid', '/bin/bash', dir.resolve('.command.run').toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve('wrapper.log').toFile()).start()
            while( proc.isAlive() && (Files.exists(out) ? out.readLines().size() : 0) <= before && System.currentTimeMillis() < deadline )
                sleep 20
            if( proc.isAlive() ) {
                new ProcessBuilder('kill', '-INT', '--', "-${proc.pid()}".toString()).start().waitFor()
                interrupted++
            }
            assertTrue(proc.waitFor(30, TimeUnit.SECONDS), 'the wrapper ends once the task has saved')
            final stdout = dir.resolve('.command.out').text
            finished = stdout.contains('counted to 30')
            if( !finished )
                assertTrue(stdout.trim().readLines().last().startsWith('interrupted: next number'), "the task saved its state on SIGINT:\n${stdout}")
        }
        assertTrue(finished, 'count.py reached 30')
        assertEquals((1..30).collect { it.toString() }, out.readLines(), "each number exactly once, in order (${interrupted} interruption(s))")
    }
}
