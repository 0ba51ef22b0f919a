package dev.crflow.examples;

import org.junit.jupiter.api.parallel.Isolated;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maintenance on real Slurm: {@code crflow drain --node NODE} finds the running crflow job on the node in one squeue,
 * checkpoints and stops it; {@code crflow run} resumes it from that image; {@code crflow checkpoint --all} takes a
 * checkpoint of every running step without stopping it. The seeds' count program: every number exactly once.
 */
@Isolated("changes the cluster for every test running beside it")
class DrainIT {
    @Test
    void drainCheckpointsAndStopsTheJobsOnANodeAndRunResumesThem() throws Exception {
        Crflow.assumeSlurm();
        Crflow c = new Crflow("drain");
        c.workflow("""
                    env COUNT_STOP: '60', COUNT_DELAY: '0.5'
                    time '00:10:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out' }
                """);
        Process driver = c.start("run1.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        try {
            Crflow.await("counting", Duration.ofMinutes(3), Crflow.unchecked(() -> PreemptOnDemandIT.countedSoFar(c) >= 4));
            String job = c.jobId();
            String node = Crflow.Run.sh("squeue", "-h", "-j", job, "-o", "%N").strip();
            assertEquals(0, c.run(Duration.ofMinutes(3), "drain.log", "drain", "--node", node, "--json"), c.log("drain.log"));
            JsonNode drained = Crflow.JSON.readTree(c.log("drain.log"));
            JsonNode mine = null;
            for (JsonNode n : drained.path("checkpoints")) if (n.path("jobId").asText().equals(job)) mine = n;
            assertTrue(mine != null && mine.path("ok").asBoolean() && mine.path("generation").asInt() >= 1, drained.toString());
            assertTrue(driver.waitFor(2, TimeUnit.MINUTES), "the driver sees the stopped step: " + c.log("run1.log"));
            int counted = PreemptOnDemandIT.countedSoFar(c);
            assertTrue(counted < 60, "stopped mid-count: " + counted);
        } finally {
            driver.destroyForcibly();
        }

        Process again = c.start("run2.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        try {
            int before = PreemptOnDemandIT.countedSoFar(c);
            Crflow.await("counting again", Duration.ofMinutes(3), Crflow.unchecked(() -> PreemptOnDemandIT.countedSoFar(c) >= before + 3));
            assertEquals(0, c.run(Duration.ofMinutes(3), "all.log", "checkpoint", "--all"), c.log("all.log"));
            assertTrue(c.log("all.log").contains("count: generation"), c.log("all.log"));
            assertTrue(again.waitFor(4, TimeUnit.MINUTES), "the resumed run finishes: " + c.log("run2.log"));
            assertEquals(0, again.exitValue(), c.log("run2.log"));
        } finally {
            again.destroyForcibly();
        }
        c.assertCountedExactlyOnce(60);
        assertTrue(c.events("restore").stream().anyMatch(e -> e.path("ok").asBoolean()), "resumed from the drained image: " + c.journal());
        assertTrue(c.events("checkpoint").stream().filter(e -> e.path("trigger").asText().equals("manual") && e.path("ok").asBoolean())
                .count() >= 2, "the drain's and checkpoint --all's checkpoints: " + c.journal());
    }
}
