package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first command, without Slurm: the embedded local executor simulates the walltime (warning signal at
 * time − lead), the coordinator checkpoints, exits 75, and is relaunched from its image.
 */
class LocalCountIT {
    @Test
    void theCountExampleResumesLocally() throws Exception {
        Crflow c = new Crflow("local");
        c.workflow("""
                    env COUNT_STOP: '50', COUNT_DELAY: '0.4'
                    time '40s'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '25s'; forward 'INT'; state 'state', 'count.out' }
                """);
        int code = c.run(Duration.ofMinutes(3), "run.log", "run", "count.groovy", "--poll", "500ms");
        assertEquals(0, code, c.log("run.log"));
        c.assertCountedExactlyOnce(50);
        JsonNode step = c.status().path("steps").get(0);
        assertTrue(step.path("attempts").asInt() >= 2, step.toString());
        assertTrue(step.path("restarts").asInt() >= 1, step.toString());
        assertTrue(c.log("run.log").contains("CHECKPOINTING") || c.events("checkpoint").size() >= 1, c.log("run.log"));
    }
}
