package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The crflow executor plugin (engine-bridge/snakemake/python) under a real Snakemake 8/9 on real Slurm. Snakemake 9
 * is not in Debian: these tests run where $SNAKEMAKE9 (or /opt/snakemake9/bin/snakemake) is a Snakemake 8/9 and
 * SKIP LOUDLY otherwise (the assumption message says the plugin was not tested against Snakemake 9 in that run).
 * Each test installs the plugin from a wheel built offline from the sources.
 */
class SnakemakePluginIT {

    private static List<String> items(int n) {
        return IntStream.range(0, n).mapToObj(i -> "item " + i).toList();
    }

    @Test
    void ruleThatNeedsThreeWalltimesFinishesWithItsOutputComplete() throws Exception {
        try (SnakemakeHarness h = new SnakemakeHarness("plugin-walltime", ProfileWriter.Target.SNAKEMAKE_9)) {
            Path log = h.work.resolve("snakemake.log");
            int rc = h.await(h.snakemake(log, "--config", "items=70", "step=1", "runtime=1"), Duration.ofMinutes(8), log);
            assertEquals(0, rc, "snakemake failed:\n" + SnakemakeHarness.tail(log) + "\n" + h.diagnostics());
            assertEquals(items(70), h.lines("results/count.txt"), "complete, in order, no duplicates");
            Path ctl = h.onlyControlDir();
            assertTrue(h.events(ctl, "attempt-start") >= 3, "three walltime periods at least:\n" + h.diagnostics());
            assertEquals(1, h.sbatchCalls(), "Slurm requeued the same job; nothing was submitted again");
            assertTrue(Files.readString(ctl.resolve("result.json")).contains("\"COMPLETED\""));
            assertTrue(h.bridgeCalls("plugin") >= 1, "status through `crflow snakemake plugin status`");
        }
    }

    @Test
    void killedSnakemakeReattachesWithoutASecondSubmission() throws Exception {
        try (SnakemakeHarness h = new SnakemakeHarness("plugin-reattach", ProfileWriter.Target.SNAKEMAKE_9)) {
            Path log1 = h.work.resolve("snakemake-1.log");
            Process first = h.snakemake(log1, "--config", "items=60", "step=1", "runtime=10");
            SnakemakeHarness.waitFor("the job to write 5 items", Duration.ofSeconds(180), () -> {
                try {
                    return h.lines("results/count.txt").size() >= 5 && h.netted("results/count.txt");
                } catch (Exception e) {
                    return false;
                }
            });
            first.destroyForcibly();
            first.waitFor();
            Path unlockLog = h.work.resolve("snakemake-unlock.log");
            assertEquals(0, h.await(h.snakemake(unlockLog, "--unlock"), Duration.ofMinutes(2), unlockLog));
            Path log2 = h.work.resolve("snakemake-2.log");
            int rc = h.await(h.snakemake(log2, "--config", "items=60", "step=1", "runtime=10"), Duration.ofMinutes(6), log2);
            assertEquals(0, rc, "restarted snakemake failed:\n" + SnakemakeHarness.tail(log2) + "\n" + h.diagnostics());
            assertEquals(1, h.sbatchCalls(), "one sbatch in total: the restarted Snakemake reattached");
            assertEquals(items(60), h.lines("results/count.txt"), "complete, in order, no duplicates");
        }
    }

    /** 200 active jobs: every poll is ONE `crflow snakemake plugin status` and at most one squeue; cancel is one call. */
    @Test
    void twoHundredConcurrentJobsArePolledWithOneSqueuePerPoll() throws Exception {
        try (SnakemakeHarness h = new SnakemakeHarness("plugin-200", ProfileWriter.Target.SNAKEMAKE_9)) {
            Files.writeString(h.work.resolve("Snakefile"), """
                    rule all:
                        input: expand("done/{i}.txt", i=range(200))
                    rule wait:
                        output: "done/{i}.txt"
                        resources: runtime=5, mem_mb=10
                        shell: "sleep 600; touch {output}"
                    """);
            Path log = h.work.resolve("snakemake.log");
            Process smk = h.snakemake(log, "--jobs", "200", "--max-jobs-per-second", "50");
            SnakemakeHarness.waitFor("200 submissions", Duration.ofMinutes(15), () -> {
                try {
                    return h.sbatchCalls() >= 200;
                } catch (Exception e) {
                    return false;
                }
            });
            long before = h.bridgeCalls("plugin");
            SnakemakeHarness.waitFor("three polls of all 200 jobs", Duration.ofMinutes(5), () -> {
                try {
                    return h.bridgeCalls("plugin") >= before + 3;
                } catch (Exception e) {
                    return false;
                }
            });
            long polls = h.bridgeCalls("plugin");
            long squeues = h.squeueCalls();
            // Ctrl-C (SIGTERM would make Snakemake 9 wait for the running jobs): Snakemake cancels its active jobs
            // through the plugin's cancel_jobs
            SnakemakeHarness.interrupt(smk);
            h.await(smk, Duration.ofMinutes(3), log);
            assertTrue(squeues <= polls + h.bridgeCalls("submit"),
                    squeues + " squeue runs for " + polls + " polls (each poll: one JVM, at most one squeue)");
            assertEquals(1, h.bridgeCalls("cancel"), "one cancel call for all 200 jobs");
        }
    }
}
