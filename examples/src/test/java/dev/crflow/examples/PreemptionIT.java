package dev.crflow.examples;

import org.junit.jupiter.api.parallel.Isolated;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>A third step, in {@code preemptible-cancel} too, is cancelled by its user with a plain {@code scancel} during the
 * preemption's grace time (issue 15 item 2): it ends CANCELLED, with the cancel's checkpoint as its last good generation,
 * and is neither requeued nor resubmitted.
 */
@Isolated("changes the cluster for every test running beside it")
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

    /**
     * Both modes at once (two steps of one workflow, one per preemptible partition): the test waits on the
     * application's own pace (300 numbers, half a second each), so running them side by side halves the time.
     */
    static final String SCANCELLED = "scancelled";

    @Test
    void bothModesCheckpointAreRequeuedAndResumeFromTheCheckpoint() throws Exception {
        Crflow c = new Crflow("preempt");
        Map<String, String> partitionOf = new LinkedHashMap<>();
        partitionOf.put("requeue", "preemptible");
        partitionOf.put("cancel", "preemptible-cancel");
        Map<String, String> all = new LinkedHashMap<>(partitionOf);
        all.put(SCANCELLED, "preemptible-cancel");
        StringBuilder steps = new StringBuilder();
        all.forEach((step, partition) -> steps.append("""
                  step('%s') {
                    command 'trap "" TERM; exec python3 ../count.py'
                    workdir '%s'
                    env COUNT_STOP: '300', COUNT_DELAY: '0.5'
                    time '00:20:00'
                    partition '%s'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state', 'count.out'; maxRestarts 10 }
                  }
                """.formatted(step, step, partition)));
        // the application ignores SIGTERM (SIG_IGN survives exec): it saves its state on SIGINT, which crflow forwards
        Files.writeString(c.work.resolve("count.groovy"), "workflow('count-it') {\n" + steps + "}\n");
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        List<String> urgent = new ArrayList<>();
        try {
            for (String step : all.keySet()) {
                Crflow.await(step + " counting", Duration.ofMinutes(3), Crflow.unchecked(() -> counted(c, step) >= 5));
            }
            Set<String> nodes = new LinkedHashSet<>();
            for (String step : all.keySet()) {
                nodes.add(Crflow.Run.sh("squeue", "-h", "-j", jobId(c, step), "-o", "%N").strip());
            }
            cancelledJob = jobId(c, SCANCELLED);
            for (String node : nodes) {
                urgent.add(Crflow.Run.sh("sbatch", "--parsable", "-p", "urgent", "-w", node, "-c", "8", "-o", "/dev/null",
                        "--wrap", "sleep 20").strip());
            }
            ScancelInGrace.scancelDuringTheGrace(cancelledJob);
            for (String step : partitionOf.keySet()) {
                Crflow.await(step + ": the preemption (checkpoint, attempt end)", Duration.ofMinutes(4), Crflow.unchecked(() ->
                        events(c, step, "attempt-end").stream().anyMatch(e -> e.path("reason").asText().equals("preempted"))));
            }
            for (String step : partitionOf.keySet()) {
                Crflow.await(step + " to resume", Duration.ofMinutes(5), Crflow.unchecked(() -> events(c, step, "attempt-start").size() >= 2));
            }
            assertTrue(driver.waitFor(8, TimeUnit.MINUTES), "the driver did not finish: " + c.log("run.log"));
            // every step ended; one of them cancelled by its user: 'crflow run' exits 1
            assertEquals(1, driver.exitValue(), c.log("run.log"));
        } finally {
            driver.destroyForcibly();
            for (String job : urgent) if (!job.isEmpty()) Crflow.Run.sh("scancel", job);
        }
        for (String step : partitionOf.keySet()) preemptedAndResumed(c, step, partitionOf.get(step));
        ScancelInGrace.cancelledNotRequeued(c, SCANCELLED, cancelledJob);
    }

    String cancelledJob = "";

    static void preemptedAndResumed(Crflow c, String step, String partition) throws Exception {
        String journal = step + ": " + journal(c, step);
        List<String> lines = Files.readAllLines(c.work.resolve(step).resolve("count.out"));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 300; i++) expected.add(Integer.toString(i));
        assertEquals(expected, lines, step + ": count.out must hold 1..300 each exactly once");
        List<JsonNode> ends = events(c, step, "attempt-end");
        JsonNode first = ends.get(0);
        assertEquals("preempted", first.path("reason").asText(), journal);
        assertTrue(first.path("requeued").asBoolean(), journal);
        // the checkpoint taken at the preemption's SIGTERM, and the next attempt restored from it
        JsonNode ck = events(c, step, "checkpoint").stream().filter(e -> e.path("trigger").asText().equals("term")).findFirst().orElseThrow();
        assertTrue(ck.path("ok").asBoolean(), ck.toString());
        int gen = ck.path("generation").asInt();
        assertTrue(events(c, step, "restore").stream().anyMatch(e -> e.path("ok").asBoolean() && e.path("generation").asInt() == gen),
                "restored from the preemption's checkpoint " + gen + ": " + journal);
        assertFalse(ends.stream().anyMatch(e -> e.path("reason").asText().equals("cancelled")), "a preemption is not a cancel: " + journal);
        if (partition.equals("preemptible")) {
            // REQUEUE mode: Slurm puts the same job back; never a second job
            JsonNode driverState = Crflow.JSON.readTree(ctl(c, step).resolve("driver.json").toFile());
            assertEquals(1, driverState.path("jobIds").size(), driverState.toString());
        }
    }

    static Path ctl(Crflow c, String step) { return c.work.resolve(".crflow/steps").resolve(step); }

    static int counted(Crflow c, String step) throws IOException {
        Path out = c.work.resolve(step).resolve("count.out");
        return Files.exists(out) ? Files.readAllLines(out).size() : 0;
    }

    static String jobId(Crflow c, String step) throws IOException {
        Path job = ctl(c, step).resolve("job.json");
        return Files.exists(job) ? Crflow.JSON.readTree(job.toFile()).path("jobId").asText() : "";
    }

    static List<JsonNode> journal(Crflow c, String step) throws IOException {
        Path j = ctl(c, step).resolve("journal.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(j)) return out;
        for (String line : Files.readAllLines(j)) {
            try {
                out.add(Crflow.JSON.readTree(line));
            } catch (IOException torn) {
                // a torn last line while the step runs
            }
        }
        return out;
    }

    static List<JsonNode> events(Crflow c, String step, String name) throws IOException {
        return journal(c, step).stream().filter(e -> e.path("event").asText().equals(name)).toList();
    }
}
