package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Files
import java.time.Duration

import org.junit.jupiter.api.Test

/**
 * Images persist across Nextflow's own retries: COUNT fails once on purpose (exit 3) after it has checkpointed;
 * `errorStrategy 'retry'` runs it again in a NEW work dir, and the plugin's control directory (keyed by the task's
 * identity without the attempt) restores the newest generation there, so the retry continues instead of
 * counting from zero.
 */
class NextflowRetryIT extends NextflowSlurmTestBase {

    @Test
    void retryInANewWorkDirRestartsFromTheNewestImage() {
        nf = new NextflowSlurmHarness('retry')
        nf.writeConfig("process { withName: 'COUNT' { time = '10m'; errorStrategy = 'retry'; maxRetries = 1 } }\n")
        nf.env.COUNT_FAIL_ONCE_AT = '40'
        nf.env.COUNT_FAIL_MARKER = nf.launchDir.resolve('count-failed-once').toString()
        final driver = nf.start(['--to', '60', '--step', '0.5'])
        assertEquals(0, nf.await(driver, Duration.ofMinutes(5)), nf.diagnostics())

        assertTrue(Files.exists(nf.launchDir.resolve('count-failed-once')), 'COUNT failed once')
        final log = nf.driverLog(1)
        assertTrue(log.contains('Execution is retried (1)'), "Nextflow retried COUNT:\n${log}")
        final report = assertCountedFromZeroOnce(60)
        final starts = report.starts as List<Integer>
        assertTrue(starts.last() > 0, "the retry continued from an image:\n${report.text}")

        // one control directory for both Nextflow attempts, and they ran in two work dirs
        final ctls = Files.list(nf.launchDir.resolve('.crflow-nf/tasks')).withCloseable { s -> s.filter { it.fileName.toString().startsWith('COUNT-') }.toList() }
        assertEquals(1, ctls.size(), "one identity for both attempts: ${ctls}")
        final journal = NextflowSlurmHarness.journal(ctls[0])
        assertTrue(journal.any { it.event == 'restore' && it.ok }, "the retry restored a generation:\n${journal.join('\n')}")
        final workDirs = Files.walk(nf.launchDir.resolve('work'), 2).withCloseable { s -> s.filter { Files.exists(it.resolve('.command.sh')) && it.resolve('.command.sh').text.contains('count.py') }.toList() }
        assertEquals(2, workDirs.size(), "two work dirs for COUNT: ${workDirs}")
    }
}
