package dev.crflow.examples;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 item 2, for {@link PreemptionIT}: a user's plain {@code scancel} while Slurm has already selected the job for
 * a CANCEL-mode preemption (its grace time runs). The coordinator must read the cancel, not the preemption.
 */
final class ScancelInGrace {
    private ScancelInGrace() {}

    /**
     * Waits until Slurm shows the job selected for preemption ({@code PreemptTime=} set) and Slurm's own clock is past
     * that second, then cancels it while it still runs in the grace. The coordinator tells a cancel from the
     * preemption's own kill by EndTime being later than PreemptTime: a cancel in the very second of the selection would
     * look like the preemption (docs/coordinator.md), so the test waits that second out, by Slurm's clock.
     */
    static void scancelDuringTheGrace(String job) throws Exception {
        String[] seen = {""};
        Crflow.await("job " + job + " selected for preemption, a second ago", Duration.ofMinutes(3), Crflow.unchecked(() -> {
            seen[0] = Crflow.Run.sh("scontrol", "show", "job", "-o", job);
            Map<String, String> f = fields(seen[0]);
            Optional<LocalDateTime> selected = time(f.get("PreemptTime"));
            Optional<LocalDateTime> started = time(f.get("StartTime"));
            if (selected.isEmpty() || started.isEmpty()) return false;
            LocalDateTime slurmNow = started.get().plusSeconds(seconds(f.getOrDefault("RunTime", "0")));
            return slurmNow.isAfter(selected.get());
        }));
        assertEquals("RUNNING", fields(seen[0]).get("JobState"), "the preemption's grace was over before the scancel: " + seen[0]);
        Crflow.Run.sh("scancel", job);
        String after = Crflow.Run.sh("scontrol", "show", "job", "-o", job);
        Map<String, String> f = fields(after);
        // the preemption's own kill sets PreemptTime again, to its EndTime: then the kill came first and this test
        // could not make its point (not a crflow failure, but not a pass either)
        assertFalse(f.getOrDefault("PreemptTime", "").equals(f.getOrDefault("EndTime", "")), "the preemption ended the job first: " + after);
    }

    /** The cancelled step: ended CANCELLED by its only attempt, the cancel's checkpoint its last good one, one job ever. */
    static void cancelledNotRequeued(Crflow c, String step, String job) throws Exception {
        String journal = step + ": " + PreemptionIT.journal(c, step);
        List<JsonNode> ends = PreemptionIT.events(c, step, "attempt-end");
        assertEquals(1, ends.size(), journal);
        assertEquals("cancelled", ends.get(0).path("reason").asText(), journal);
        assertFalse(ends.get(0).path("requeued").asBoolean(), journal);
        assertTrue(PreemptionIT.events(c, step, "requeue").isEmpty(), "a cancelled step is never requeued: " + journal);
        assertEquals(1, PreemptionIT.events(c, step, "attempt-start").size(), journal);
        JsonNode result = Crflow.JSON.readTree(PreemptionIT.ctl(c, step).resolve("result.json").toFile());
        assertEquals("CANCELLED", result.path("outcome").asText(), result.toString());
        // onCancel 'checkpoint' (the default): the cancel's checkpoint is the last good generation
        JsonNode ck = PreemptionIT.events(c, step, "checkpoint").stream()
                .filter(e -> e.path("trigger").asText().equals("cancel")).findFirst().orElseThrow(() -> new AssertionError(journal));
        assertTrue(ck.path("ok").asBoolean(), ck.toString());
        assertEquals(ck.path("generation").asInt(), ends.get(0).path("generation").asInt(), journal);
        // what was counted, counted once: 1..n
        List<String> lines = Files.readAllLines(c.work.resolve(step).resolve("count.out"));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= lines.size(); i++) expected.add(Integer.toString(i));
        assertEquals(expected, lines, step + ": count.out");
        // Slurm: the job ends CANCELLED and stays so; the driver never submitted another
        Crflow.await("job " + job + " CANCELLED in Slurm", Duration.ofMinutes(1), Crflow.unchecked(() ->
                Crflow.Run.sh("squeue", "-h", "-t", "all", "-j", job, "-o", "%T").strip().equals("CANCELLED")));
        JsonNode driverState = Crflow.JSON.readTree(PreemptionIT.ctl(c, step).resolve("driver.json").toFile());
        assertEquals(1, driverState.path("jobIds").size(), driverState.toString());
        assertEquals(job, driverState.path("jobIds").get(0).asText(), driverState.toString());
    }

    static Map<String, String> fields(String scontrolLine) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String token : scontrolLine.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) m.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
        }
        return m;
    }

    static Optional<LocalDateTime> time(String value) {
        try {
            return value == null ? Optional.empty() : Optional.of(LocalDateTime.parse(value));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Slurm's {@code [D-]HH:MM:SS} (also {@code MM:SS}). */
    static long seconds(String runTime) {
        long days = 0;
        String hms = runTime;
        int dash = runTime.indexOf('-');
        if (dash > 0) {
            days = Long.parseLong(runTime.substring(0, dash));
            hms = runTime.substring(dash + 1);
        }
        long s = 0;
        for (String part : hms.split(":")) s = s * 60 + Long.parseLong(part);
        return days * 86400 + s;
    }
}
