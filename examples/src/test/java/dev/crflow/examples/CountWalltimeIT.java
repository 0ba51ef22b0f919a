package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (a) The seeds' count application, engine 'signal', under a REAL one-minute Slurm walltime: Slurm's own
 * {@code --signal=B:USR1@30} warns the coordinator, which checkpoints, requeues and releases the hold; the step
 * finishes over several attempts with 1..N each exactly once. The one real-walltime case of this front end.
 */
class CountWalltimeIT {
    @Test
    void countSurvivesItsWalltimeOnSlurm() throws Exception {
        Crflow.assumeSlurm();
        Crflow c = new Crflow("walltime");
        c.workflow("""
                    env COUNT_STOP: '100', COUNT_DELAY: '0.5'
                    time '00:01:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '30s'; forward 'INT'; state 'state', 'count.out'; maxRestarts 10 }
                """);
        int code = c.run(Duration.ofMinutes(6), "run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        assertEquals(0, code, c.log("run.log"));
        c.assertCountedExactlyOnce(100);
        List<JsonNode> ends = c.events("attempt-end");
        assertTrue(ends.size() >= 2, "several attempts: " + ends);
        assertTrue(ends.stream().anyMatch(e -> e.path("reason").asText().equals("walltime") && e.path("requeued").asBoolean()), ends.toString());
        assertEquals("completed", ends.get(ends.size() - 1).path("reason").asText());
        JsonNode status = c.status();
        assertEquals("COMPLETED", status.path("state").asText(), status.toString());
        JsonNode step = status.path("steps").get(0);
        assertTrue(step.path("restarts").asInt() >= 1, step.toString());
        assertEquals(0, step.path("exitCode").asInt(), step.toString());
        assertTrue(step.path("generations").asInt() >= 1, step.toString());
    }
}
