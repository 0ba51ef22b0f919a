package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end: real Snakemake 7.21, real Slurm (scripts/local-slurm), the real coordinator, examples/snakemake.
 * The rule's declared output grows while it runs; it must end complete and without duplicates whatever
 * happens to the job (walltimes, requeues) or to Snakemake (SIGKILL, restart).
 */
class SnakemakeBridgeIT {

    private static List<String> items(int n) {
        return IntStream.range(0, n).mapToObj(i -> "item " + i).toList();
    }

    /**
     * The one real-walltime case of this front end: a 1-minute time limit, a 30 s warning, ~25 items per
     * attempt, 70 items: at least three walltime periods, each ended by Slurm's own warning signal.
     */
    @Test
    void ruleThatNeedsThreeWalltimesFinishesWithItsOutputComplete() throws Exception {
        try (SnakemakeHarness h = new SnakemakeHarness("walltime")) {
            Path log = h.work.resolve("snakemake.log");
            Process smk = h.snakemake(log, "--config", "n=70", "step=1", "runtime=1");
            int rc = h.await(smk, Duration.ofMinutes(7), log);
            assertEquals(0, rc, "snakemake failed:\n" + SnakemakeHarness.tail(log) + "\n" + h.diagnostics());

            assertEquals(items(70), h.lines("results/count.txt"), "complete, in order, no duplicates");
            Path ctl = h.onlyControlDir();
            assertTrue(h.events(ctl, "attempt-start") >= 3, "three walltime periods at least:\n" + h.diagnostics());
            long walltimeEnds = h.journal(ctl).stream().filter(n -> "attempt-end".equals(n.path("event").asText()))
                    .filter(n -> n.path("requeued").asBoolean(false)).count();
            assertTrue(walltimeEnds >= 2, "ended by the warning signal and requeued at least twice:\n" + h.diagnostics());
            assertEquals(1, h.sbatchCalls(), "Slurm requeued the same job; nothing was submitted again");
            String result = Files.readString(ctl.resolve("result.json"));
            assertTrue(result.contains("\"COMPLETED\""), result);
            assertTrue(Files.readString(ctl.resolve("stderr.log")).contains("replaying the rule's command"),
                    "restarts replayed the rule instead of letting Snakemake delete the output");
            // The fast status path: one sidecar for the run; the status client answered running jobs from its files.
            assertEquals(1, h.bridgeCalls("sidecar"), "one sidecar per Snakemake run");
            assertTrue(Files.readString(log).contains("Cluster sidecar process has terminated"), "Snakemake ended its sidecar");
            long calls = h.statusClientCalls();
            long jvm = h.bridgeCalls("status");
            assertTrue(calls > jvm && jvm >= 1, "status calls " + calls + ", of which " + jvm
                    + " started the JVM status command (the final answer at least); the rest were answered by the sidecar's files");
        }
    }

    /**
     * Snakemake is SIGKILLed while its job runs and appends to its declared output. A new Snakemake is started:
     * Snakemake 7 deletes the running job's existing output before "resubmitting" it; crflow's submit recognises
     * the job (no second sbatch) and puts the output back from its hard-link net. Then the job is checkpointed and
     * requeued (scancel --batch -s USR1: the warning signal on demand), the new Snakemake's status calls release
     * the requeue hold, and the job resumes and finishes with its output complete.
     */
    @Test
    void killedSnakemakeReattachesToTheRunningJob() throws Exception {
        try (SnakemakeHarness h = new SnakemakeHarness("reattach")) {
            Path log1 = h.work.resolve("snakemake-1.log");
            Process first = h.snakemake(log1, "--config", "n=60", "step=1", "runtime=10");
            SnakemakeHarness.waitFor("the job to write 5 items and its output to be netted", Duration.ofSeconds(120), () -> {
                try {
                    return h.lines("results/count.txt").size() >= 5 && h.netted("results/count.txt");
                } catch (Exception e) {
                    return false;
                }
            });
            List<String> ids = h.submittedJobIds();
            assertEquals(1, ids.size(), ids.toString());
            String jobId = ids.get(0);
            first.destroyForcibly();            // SIGKILL: no cleanup, no cancel of its jobs
            first.waitFor();
            Path ctl = h.onlyControlDir();

            Path unlockLog = h.work.resolve("snakemake-unlock.log");
            assertEquals(0, h.await(h.snakemake(unlockLog, "--unlock"), Duration.ofMinutes(1), unlockLog),
                    "the killed Snakemake left its lock; --unlock removes it");
            Path log2 = h.work.resolve("snakemake-2.log");
            Process second = h.snakemake(log2, "--config", "n=60", "step=1", "runtime=10");
            SnakemakeHarness.waitFor("the new Snakemake to reattach", Duration.ofSeconds(90), () -> {
                try {
                    return Files.readString(log2).contains("reattached, not submitted again");
                } catch (Exception e) {
                    return false;
                }
            });
            int before = h.lines("results/count.txt").size();
            assertTrue(before >= 5, "Snakemake deleted the running job's output and crflow put it back: " + before + " items");

            Process signal = new ProcessBuilder("scancel", "--batch", "-s", "USR1", jobId).inheritIO().start();
            assertEquals(0, signal.waitFor());
            int rc = h.await(second, Duration.ofMinutes(4), log2);
            String secondLog = Files.readString(log2);
            assertEquals(0, rc, "restarted snakemake failed:\n" + SnakemakeHarness.tail(log2) + "\n" + h.diagnostics());
            assertTrue(secondLog.contains("with external jobid '" + jobId + "'"), "the same job:\n" + secondLog);
            assertEquals(1, h.sbatchCalls(), "one sbatch in total: no duplicate submission");
            assertEquals(List.of(jobId), h.submittedJobIds());
            assertEquals(items(60), h.lines("results/count.txt"), "complete, in order, no duplicates");
            assertTrue(Files.readString(ctl.resolve("result.json")).contains("\"COMPLETED\""));
            assertTrue(h.journal(ctl).stream().anyMatch(n -> "restore".equals(n.path("event").asText()) && n.path("ok").asBoolean()),
                    "the second attempt resumed from the checkpoint:\n" + h.diagnostics());
            assertFalse(h.netted("results/count.txt"), "the net is released once Snakemake has the output");
        }
    }
}
