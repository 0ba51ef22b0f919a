package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two steps fail; once the cause is fixed, {@code crflow rerun --failed} sends them as ONE job array and the run completes. */
class RerunFailedIT {
    @Test
    void failedStepsRerunAsOneJobArray() throws Exception {
        Crflow.assumeSlurm();
        Crflow c = new Crflow("rerun");
        Files.writeString(c.work.resolve("count.groovy"), """
                workflow('rerun-it') {
                  step('left')  { command 'test -f ../fixed || exit 3'; workdir 'work'; time '00:05:00' }
                  step('right') { command 'test -f ../fixed || exit 4'; workdir 'work'; time '00:05:00' }
                  step('join')  { after 'left', 'right'; command 'true'; workdir 'work'; time '00:05:00' }
                }
                """);
        assertEquals(1, c.run(Duration.ofMinutes(3), "run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s"),
                c.log("run.log"));
        JsonNode status = c.status();
        assertEquals("FAILED", status.path("state").asText(), status.toString());
        assertEquals(3, status.path("steps").get(0).path("exitCode").asInt(), status.toString());
        Files.writeString(c.work.resolve("fixed"), "");
        assertEquals(0, c.run(Duration.ofMinutes(3), "rerun.log", "rerun", "--failed", "--poll", "1s"), c.log("rerun.log"));
        assertTrue(c.log("rerun.log").contains("submitted 2 steps as job array"), c.log("rerun.log"));
        status = c.status();
        assertEquals("COMPLETED", status.path("state").asText(), status.toString());
        String left = status.path("steps").get(0).path("jobId").asText();
        String right = status.path("steps").get(1).path("jobId").asText();
        assertTrue(left.matches("\\d+_0") && right.matches("\\d+_1"), left + " " + right);
        assertEquals(left.replaceAll("_.*", ""), right.replaceAll("_.*", ""), "one array");
    }
}
