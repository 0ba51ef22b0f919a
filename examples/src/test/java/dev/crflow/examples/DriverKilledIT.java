package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (c) The driver killed with SIGKILL mid-run, then started again: it reattaches to the running job (no second job
 * with the step's name ever reaches Slurm) and the result is correct.
 */
class DriverKilledIT {
    @Test
    void aKilledDriverReattachesWithoutDuplicatingTheJob() throws Exception {
        Crflow.assumeSlurm();
        Crflow c = new Crflow("driver-killed");
        c.workflow("""
                    env COUNT_STOP: '40', COUNT_DELAY: '0.5'
                    time '00:10:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out' }
                """);
        Process first = c.start("run1.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        Crflow.await("the job to run", Duration.ofMinutes(2), Crflow.unchecked(() -> c.events("attempt-start").size() >= 1
                && PreemptOnDemandIT.countedSoFar(c) >= 5));
        String job = c.jobId();
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        first.waitFor();
        String jobName = JSON(c).path("jobName").asText();
        assertTrue(Crflow.Run.sh("squeue", "-h", "-j", job, "-o", "%T").contains("RUNNING"), "the job outlives its driver");

        int code = c.run(Duration.ofMinutes(3), "run2.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        assertEquals(0, code, c.log("run2.log"));
        assertTrue(c.log("run2.log").contains("reattached count to job " + job), c.log("run2.log"));
        List<String> ids = Crflow.Run.sh("squeue", "-h", "-t", "all", "--name=" + jobName, "-o", "%i").lines().map(String::strip).toList();
        assertEquals(List.of(job), ids, "exactly one job ever had the step's name");
        JsonNode driver = Crflow.JSON.readTree(c.ctl().resolve("driver.json").toFile());
        assertEquals(1, driver.path("jobIds").size(), driver.toString());
        assertEquals(1, c.events("attempt-start").size(), "no restart was needed: " + c.journal());
        c.assertCountedExactlyOnce(40);
        assertFalse(Files.exists(c.work.resolve(".crflow/requests/cancel")));
    }

    private static JsonNode JSON(Crflow c) throws Exception {
        return Crflow.JSON.readTree(c.ctl().resolve("job.json").toFile());
    }
}
