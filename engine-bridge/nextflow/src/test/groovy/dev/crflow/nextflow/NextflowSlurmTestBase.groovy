package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Path
import java.time.Duration

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach

/**
 * What every Nextflow IT shares: the cluster checked once per class, one {@link NextflowSlurmHarness} per test
 * (cleaned up after it), and the example's COUNT milestones the scenarios wait for and check.
 */
abstract class NextflowSlurmTestBase {

    NextflowSlurmHarness nf

    @BeforeAll
    static void cluster() {
        if( NextflowSlurmHarness.runtimePresent() ) NextflowSlurmHarness.ensureCluster()
    }

    /** Per test, so a missing runtime shows as skipped tests, not as a silently empty class. */
    @BeforeEach
    void runtime() { NextflowSlurmHarness.assumeRuntime() }

    @AfterEach
    void cleanup() { nf?.cleanup() }

    /** Waits until COUNT has committed an image with progress (at least 10 counted); returns its control directory. */
    Path awaitCountImage() {
        nf.waitUntil('COUNT to commit an image with progress', Duration.ofMinutes(3)) {
            NextflowSlurmHarness.newestSavedCount(nf.taskControlDir('COUNT')) >= 10
        }
        return nf.taskControlDir('COUNT')
    }

    /** The report once the pipeline is done: it counted to {@code to}, and from zero only once. */
    Map<String, Object> assertCountedFromZeroOnce(int to) {
        final report = nf.report()
        assertEquals(to, report.count, report.text)
        final starts = report.starts as List<Integer>
        assertEquals(1, starts.count { it == 0 }, "counted from zero only once:\n${report.text}")
        return report
    }
}
