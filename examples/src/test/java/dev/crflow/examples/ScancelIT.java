package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: a plain {@code scancel JOBID}, as a user stops a job, on the real local Slurm. Slurm's SIGTERM reaches every
 * process of the job (count.py dies of it, the coordinator gets it too); the coordinator asks Slurm, sees a cancel (not
 * a preemption) and ends the step for good: CANCELLED, {@code crflow run} exits 1, nothing resubmitted.
 */
class ScancelIT {
    @Test
    void aPlainScancelEndsTheStepCancelledWithoutResubmission() throws Exception {
        Crflow.assumeSlurm();
        Crflow c = new Crflow("scancel");
        c.workflow("""
                    env COUNT_STOP: '600', COUNT_DELAY: '0.5'
                    time '00:10:00'
                    retry 2
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out'; maxRestarts 10 }
                """);
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        String job;
        try {
            Crflow.await("counting", Duration.ofMinutes(3), Crflow.unchecked(() -> PreemptOnDemandIT.countedSoFar(c) >= 3));
            job = c.jobId();
            Crflow.Run.sh("scancel", job);
            assertTrue(driver.waitFor(2, TimeUnit.MINUTES), "the driver ends after a scancel: " + c.log("run.log"));
            assertEquals(1, driver.exitValue(), c.log("run.log"));
        } finally {
            driver.destroyForcibly();
        }
        JsonNode step = c.status().path("steps").get(0);
        assertEquals("CANCELLED", step.path("state").asText(), c.status().toString());
        JsonNode result = Crflow.JSON.readTree(c.ctl().resolve("result.json").toFile());
        assertEquals("CANCELLED", result.path("outcome").asText(), result.toString());
        assertTrue(c.events("requeue").isEmpty(), "a cancelled step is never requeued: " + c.journal());
        assertEquals(1, c.events("attempt-start").size(), c.journal().toString());
        assertEquals("cancelled", c.events("attempt-end").get(0).path("reason").asText(), c.journal().toString());

        // no second job: the driver recorded one, and Slurm never shows this job (or another of the step) coming back
        JsonNode driverState = Crflow.JSON.readTree(c.ctl().resolve("driver.json").toFile());
        List<String> ids = new ArrayList<>();
        driverState.path("jobIds").forEach(n -> ids.add(n.asText()));
        assertEquals(List.of(job), ids, driverState.toString());
        Crflow.await("the job to leave the queue", Duration.ofMinutes(1), Crflow.unchecked(() -> {
            String st = Crflow.Run.sh("squeue", "-h", "-t", "all", "-j", job, "-o", "%T").strip();
            return st.equals("CANCELLED");
        }));
        String again = Crflow.Run.sh("squeue", "-h", "-t", "all", "-j", job, "-o", "%T").strip();
        assertFalse(again.equals("PENDING") || again.equals("RUNNING"), "job " + job + " came back: " + again);
        assertTrue(c.events("attempt-lost").isEmpty(), c.journal().toString());

        // cancelled is not lost: 'crflow run' again resumes the step (a new attempt), as after 'crflow cancel'
        Process again2 = c.start("run2.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        try {
            Crflow.await("the step to run again", Duration.ofMinutes(3), Crflow.unchecked(() -> c.events("attempt-start").size() >= 2));
            assertEquals(0, c.run(Duration.ofMinutes(2), "cancel.log", "cancel"), c.log("cancel.log"));
            assertTrue(again2.waitFor(2, TimeUnit.MINUTES), c.log("run2.log"));
        } finally {
            again2.destroyForcibly();
        }
    }
}
