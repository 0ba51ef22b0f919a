package dev.crflow.examples;

import org.junit.jupiter.api.parallel.Isolated;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (d) On the two-node cluster, the step's node is lost ({@code scripts/local-slurm kill-node}: its slurmd and the
 * job's processes SIGKILLed). The step resumes from its last generation on the other node; the node is revived after.
 */
@Isolated("changes the cluster for every test running beside it")
class NodeLossIT {
    @Test
    void theStepResumesOnTheOtherNodeFromItsLastGeneration() throws Exception {
        Crflow.assumeSlurm();
        Assumptions.assumeTrue(Crflow.usableNodes() >= 2, "SKIPPED: node loss needs two usable nodes (scripts/local-slurm up --nodes 2)");
        Crflow c = new Crflow("node-loss");
        c.workflow("""
                    env COUNT_STOP: '60', COUNT_DELAY: '0.5'
                    time '00:10:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out'; maxRestarts 5 }
                """);
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        String lostNode = null;
        try {
            Crflow.await("the job to count", Duration.ofMinutes(2), Crflow.unchecked(() -> c.events("attempt-start").size() >= 1
                    && PreemptOnDemandIT.countedSoFar(c) >= 6));
            // A consistent generation to resume from: the warning signal on demand (count.py saves 'state' when told).
            String job = c.jobId();
            Crflow.Run.sh("scancel", "--batch", "-s", "USR1", job);
            Crflow.await("attempt 2 counting past its image", Duration.ofMinutes(2), Crflow.unchecked(() ->
                    c.events("attempt-start").size() >= 2 && PreemptOnDemandIT.countedSoFar(c) >= 14));
            int generation = c.events("checkpoint").get(0).path("generation").asInt();
            lostNode = Crflow.Run.sh("squeue", "-h", "-j", job, "-o", "%N").strip();
            assertTrue(lostNode.startsWith("node"), lostNode);
            Crflow.Run.sh(Crflow.REPO.resolve("scripts/local-slurm").toString(), "kill-node", lostNode, "--wait");
            String lost = lostNode;
            Crflow.await("attempt 3 on the other node", Duration.ofMinutes(3), Crflow.unchecked(() ->
                    c.events("attempt-start").size() >= 3));
            assertTrue(driver.waitFor(4, java.util.concurrent.TimeUnit.MINUTES), "driver did not finish: " + c.log("run.log"));
            assertEquals(0, driver.exitValue(), c.log("run.log"));
            List<JsonNode> starts = c.events("attempt-start");
            JsonNode last = starts.get(starts.size() - 1);
            assertNotEquals(lost, last.path("host").asText(), "resumed away from the lost node: " + starts);
            List<JsonNode> restores = c.events("restore");
            assertTrue(!restores.isEmpty() && restores.get(0).path("generation").asInt() >= generation, c.journal().toString());
            assertTrue(c.status().path("steps").get(0).path("restarts").asInt() >= 1, c.status().toString());
            c.assertCountedExactlyOnce(60);
        } finally {
            driver.destroyForcibly();
            if (lostNode != null) Crflow.Run.sh(Crflow.REPO.resolve("scripts/local-slurm").toString(), "revive-node", lostNode);
        }
    }
}
