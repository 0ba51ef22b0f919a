package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code interval 'auto'} on the embedded local executor (no Slurm): the count example with a simulated walltime runs to
 * its end, every attempt journals the interval it chose with its inputs, status shows the last choice, and every
 * number is counted exactly once. Nothing here depends on how many attempts or checkpoints the machine's speed allows.
 */
class AutoIntervalIT {
    @Test
    void intervalAutoRunsJournalsEachChoiceAndCountsExactlyOnce() throws Exception {
        Crflow c = new Crflow("local-auto-interval");
        c.workflow("""
                    env COUNT_STOP: '50', COUNT_DELAY: '0.4'
                    time '40s'
                    checkpoint { engine 'signal'; interval 'auto'; signal 'USR1', lead: '25s'; forward 'INT'; state 'state', 'count.out' }
                """);
        int code = c.run(Duration.ofMinutes(3), "run.log", "run", "count.groovy", "--poll", "500ms");
        assertEquals(0, code, c.log("run.log"));
        c.assertCountedExactlyOnce(50);

        Set<Integer> started = new TreeSet<>();
        for (JsonNode s : c.events("attempt-start")) started.add(s.path("attempt").asInt());
        Set<Integer> chosenAtStart = new TreeSet<>();
        List<JsonNode> choices = c.events("interval");
        for (JsonNode ch : choices) {
            if (ch.path("trigger").asText().equals("attempt-start")) chosenAtStart.add(ch.path("attempt").asInt());
            assertTrue(ch.path("intervalSeconds").asDouble() > 0, ch.toString());
            assertTrue(Set.of("daly", "probe", "cost-multiple", "minimum", "maximum", "walltime").contains(ch.path("bound").asText()), ch.toString());
            assertTrue(ch.path("checkpointSeconds").asDouble() > 0, ch.toString());
            assertTrue(ch.path("mtbiSeconds").asDouble() > 0, ch.toString());
            assertEquals(0.05, ch.path("priorRate").asDouble(), ch.toString());          // crflow's default prior: no settings file
            assertTrue(ch.path("untilWarningSeconds").asDouble() <= 15.0, ch.toString()); // 40 s limit − 25 s lead
        }
        assertEquals(started, chosenAtStart, "every attempt chose its interval at its start: " + choices);

        JsonNode step = c.status().path("steps").get(0);
        assertTrue(step.path("autoInterval").path("intervalSeconds").asDouble() > 0, step.toString());
        assertEquals(choices.size(), step.path("autoInterval").path("choices").asInt(), step.toString());
    }
}
