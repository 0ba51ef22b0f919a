package dev.crflow.examples;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code crflow cancel} while a driver runs: the job ends for good (the coordinator does not requeue itself). */
class CancelIT {
    @Test
    void cancelEndsTheJobForGood() throws Exception {
        Crflow.assumeSlurm();
        Crflow c = new Crflow("cancel");
        c.workflow("""
                    env COUNT_STOP: '600', COUNT_DELAY: '0.5'
                    time '00:10:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out' }
                """);
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        try {
            Crflow.await("counting", Duration.ofMinutes(2), Crflow.unchecked(() -> PreemptOnDemandIT.countedSoFar(c) >= 3));
            String job = c.jobId();
            assertEquals(0, c.run(Duration.ofMinutes(2), "cancel.log", "cancel"), c.log("cancel.log"));
            assertTrue(driver.waitFor(1, java.util.concurrent.TimeUnit.MINUTES), "the driver ends after a cancel");
            assertEquals(1, driver.exitValue(), c.log("run.log"));
            assertEquals("CANCELLED", c.status().path("state").asText(), c.status().toString());
            Thread.sleep(5000);
            String state = Crflow.Run.sh("squeue", "-h", "-t", "all", "-j", job, "-o", "%T").strip();
            assertFalse(state.equals("PENDING") || state.equals("RUNNING"), "job " + job + " came back: " + state);
        } finally {
            driver.destroyForcibly();
        }
    }
}
