package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: real Slurm preemption. The cluster is reconfigured with {@code scripts/local-slurm up --preemption} for
 * these tests and restored with {@code up --nodes 2} afterwards; run it (like every Slurm IT) under
 * {@code flock /tmp/crflow-slurm-it.lock}, which keeps other tests off the cluster meanwhile.
 *
 * <p>A crflow step in a preemptible partition is preempted by a job in {@code urgent} that needs all CPUs of its node.
 * Slurm signals every process of the job; the application ignores SIGTERM (as applications that checkpoint on another
 * signal may), the coordinator asks Slurm, sees a preemption (not a cancel), checkpoints within KillWait, and the step
 * comes back (requeued by Slurm in REQUEUE mode, by crflow or the driver in CANCEL mode) and resumes from that
 * checkpoint once the node is free: every number exactly once.
 */
class PreemptionIT {
    static boolean reconfigured;

    @BeforeAll
    static void preemptionCluster() throws Exception {
        Crflow.assumeSlurm();
        Assumptions.assumeTrue("0".equals(Crflow.Run.sh("id", "-u").strip()), "SKIPPED: reconfiguring Slurm needs root");
        reconfigured = true;
        Crflow.Run.sh(Crflow.REPO.resolve("scripts/local-slurm").toString(), "up", "--preemption");
    }

    @AfterAll
    static void defaultCluster() throws Exception {
        if (reconfigured) Crflow.Run.sh(Crflow.REPO.resolve("scripts/local-slurm").toString(), "up", "--nodes", "2");
    }

    @Test
    void requeueModeCheckpointsIsRequeuedBySlurmAndResumesFromTheCheckpoint() throws Exception {
        preemptedAndResumed("preemptible");
    }

    @Test
    void cancelModeCheckpointsIsRequeuedByCrflowAndResumesFromTheCheckpoint() throws Exception {
        preemptedAndResumed("preemptible-cancel");
    }

    void preemptedAndResumed(String partition) throws Exception {
        Crflow c = new Crflow("preempt-" + partition);
        // the application ignores SIGTERM (SIG_IGN survives exec): it saves its state on SIGINT, which crflow forwards
        java.nio.file.Files.writeString(c.work.resolve("count.groovy"), """
                workflow('count-it') {
                  step('count') {
                    command 'trap "" TERM; exec python3 ../count.py'
                    workdir 'work'
                    env COUNT_STOP: '300', COUNT_DELAY: '0.5'
                    time '00:20:00'
                    partition '%s'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out'; maxRestarts 10 }
                  }
                }
                """.formatted(partition));
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        String urgent = "";
        try {
            Crflow.await("counting", Duration.ofMinutes(3), Crflow.unchecked(() -> PreemptOnDemandIT.countedSoFar(c) >= 5));
            String job = c.jobId();
            String node = Crflow.Run.sh("squeue", "-h", "-j", job, "-o", "%N").strip();
            urgent = Crflow.Run.sh("sbatch", "--parsable", "-p", "urgent", "-w", node, "-c", "8", "-o", "/dev/null",
                    "--wrap", "sleep 20").strip();
            Crflow.await("the preemption (checkpoint, attempt end)", Duration.ofMinutes(4), Crflow.unchecked(() ->
                    c.events("attempt-end").stream().anyMatch(e -> e.path("reason").asText().equals("preempted"))));
            Crflow.await("the step to resume", Duration.ofMinutes(5), Crflow.unchecked(() -> c.events("attempt-start").size() >= 2));
            assertTrue(driver.waitFor(8, TimeUnit.MINUTES), "the driver did not finish: " + c.log("run.log"));
            assertEquals(0, driver.exitValue(), c.log("run.log"));
        } finally {
            driver.destroyForcibly();
            if (!urgent.isEmpty()) Crflow.Run.sh("scancel", urgent);
        }
        c.assertCountedExactlyOnce(300);
        List<JsonNode> ends = c.events("attempt-end");
        JsonNode first = ends.get(0);
        assertEquals("preempted", first.path("reason").asText(), c.journal().toString());
        assertTrue(first.path("requeued").asBoolean(), c.journal().toString());
        // the checkpoint taken at the preemption's SIGTERM, and the next attempt restored from it
        JsonNode ck = c.events("checkpoint").stream().filter(e -> e.path("trigger").asText().equals("term")).findFirst().orElseThrow();
        assertTrue(ck.path("ok").asBoolean(), ck.toString());
        int gen = ck.path("generation").asInt();
        assertTrue(c.events("restore").stream().anyMatch(e -> e.path("ok").asBoolean() && e.path("generation").asInt() == gen),
                "restored from the preemption's checkpoint " + gen + ": " + c.journal());
        assertFalse(c.events("attempt-end").stream().anyMatch(e -> e.path("reason").asText().equals("cancelled")),
                "a preemption is not a cancel: " + c.journal());
        if (partition.equals("preemptible")) {
            // REQUEUE mode: Slurm puts the same job back; never a second job
            JsonNode driverState = Crflow.JSON.readTree(c.ctl().resolve("driver.json").toFile());
            assertEquals(1, driverState.path("jobIds").size(), driverState.toString());
        }
    }
}
