package dev.crflow.examples;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** (b) Preempted twice on demand with {@code scancel --batch -s USR1 JOBID}: resumed each time, nothing counted twice. */
class PreemptOnDemandIT {
    @Test
    void preemptedTwiceAndStillExactlyOnce() throws Exception {
        Crflow.assumeSlurm();
        Crflow c = new Crflow("preempt");
        c.workflow("""
                    env COUNT_STOP: '60', COUNT_DELAY: '0.5'
                    time '00:10:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out'; maxRestarts 10 }
                """);
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        try {
            for (int preemption = 1; preemption <= 2; preemption++) {
                int attempt = preemption;
                Crflow.await("attempt " + attempt + " counting", Duration.ofMinutes(3), Crflow.unchecked(() ->
                        c.events("attempt-start").size() >= attempt && countedSoFar(c) >= attempt * 8));
                String job = c.jobId();
                Crflow.Run.sh("scancel", "--batch", "-s", "USR1", job);
                Crflow.await("attempt " + (attempt + 1) + " to start", Duration.ofMinutes(2), Crflow.unchecked(() ->
                        c.events("attempt-start").size() >= attempt + 1));
            }
            assertTrue(driver.waitFor(4, java.util.concurrent.TimeUnit.MINUTES), "driver did not finish: " + c.log("run.log"));
            assertEquals(0, driver.exitValue(), c.log("run.log"));
        } finally {
            driver.destroyForcibly();
        }
        c.assertCountedExactlyOnce(60);
        assertTrue(c.events("checkpoint").stream().filter(e -> e.path("ok").asBoolean()).count() >= 2, c.journal().toString());
        assertTrue(c.events("restore").size() >= 2, c.journal().toString());
        assertEquals(1, c.status().path("steps").get(0).path("jobId").asText().isEmpty() ? 0 : 1);
    }

    static int countedSoFar(Crflow c) throws Exception {
        java.nio.file.Path out = c.work.resolve("work/count.out");
        return java.nio.file.Files.exists(out) ? java.nio.file.Files.readAllLines(out).size() : 0;
    }
}
