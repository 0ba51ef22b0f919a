package dev.crflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user-facing contracts of render/status/images (no Slurm, no coordinator needed). */
class RunCommandsTest {
    @TempDir Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int crflow(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    Path workflow() throws Exception {
        Path f = tmp.resolve("w.groovy");
        Files.writeString(f, """
                workflow('w') {
                  step('count') {
                    command 'python3 count.py'
                    time '00:10:00'
                    partition 'debug'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; forward 'INT'; state 'state' }
                  }
                }
                """);
        return f;
    }

    @Test
    void renderPrintsTheScriptThatWouldBeSubmitted() throws Exception {
        assertEquals(0, crflow("render", workflow().toString(), "count", "--workdir", tmp.toString()), err.toString());
        String s = out.toString();
        assertTrue(s.startsWith("#!/bin/bash\n#SBATCH --job-name='crflow-"), s);
        for (String line : List.of("#SBATCH --requeue", "#SBATCH --open-mode='append'", "#SBATCH --signal='B:USR1@60'",
                "#SBATCH --time='0-00:10:00'", "#SBATCH --partition='debug'",
                "#SBATCH --output='" + tmp.toRealPath().resolve(".crflow/steps/count/stdout.log") + "'")) {
            assertTrue(s.contains(line + "\n"), line + " missing in\n" + s);
        }
        assertTrue(s.contains(" run --control '" + tmp.toRealPath().resolve(".crflow/steps/count") + "'\n"), s);
    }

    @Test
    void unknownStepAndBadFilesAreInvalidInput() throws Exception {
        assertEquals(ExitCodes.INVALID_INPUT, crflow("render", workflow().toString(), "nope", "--workdir", tmp.toString()));
        assertTrue(err.toString().contains("no step 'nope'"), err.toString());
        Path bad = tmp.resolve("bad.groovy");
        Files.writeString(bad, "workflow('x') { step('a') { comand 'true' } }\n");
        assertEquals(ExitCodes.INVALID_INPUT, crflow("run", bad.toString(), "--workdir", tmp.toString()));
        assertTrue(err.toString().contains("bad.groovy:1:"), err.toString());
    }

    @Test
    void statusWithoutARunSaysHowToStartOne() {
        assertEquals(ExitCodes.INVALID_INPUT, crflow("status", "--workdir", tmp.toString()));
        assertTrue(err.toString().contains("crflow run FILE"), err.toString());
    }

    @Test
    void statusJsonHasTheContractFields() throws Exception {
        Path ctl = tmp.resolve(".crflow/steps/count");
        Files.createDirectories(ctl);
        Files.writeString(tmp.resolve(".crflow/run.json"), "{\"runId\":\"abcdef123456\",\"workflowFile\":\"/x/w.groovy\",\"workflowName\":\"w\","
                + "\"executor\":\"slurm\",\"created\":\"2026-11-21T00:00:00Z\"}");
        // workflow.json as crflow run writes it
        dev.crflow.dsl.model.Workflow wf = dev.crflow.dsl.WorkflowLoader.load(workflow(), java.util.Optional.empty());
        Files.writeString(tmp.resolve(".crflow/workflow.json"), dev.crflow.executor.control.ControlJson.mapper().writeValueAsString(wf));
        Files.writeString(ctl.resolve("driver.json"), "{\"state\":\"RUNNING\",\"attempt\":1,\"jobIds\":[\"77\"]}");
        Files.writeString(ctl.resolve("journal.jsonl"), """
                {"event":"attempt-start","time":"2026-11-21T00:00:01Z","attempt":1,"jobId":"77"}
                {"event":"checkpoint","time":"2026-11-21T00:01:00Z","attempt":1,"generation":1,"ok":true}
                {"event":"attempt-end","time":"2026-11-21T00:01:01Z","attempt":1,"reason":"walltime","requeued":true,"computeSeconds":60}
                {"event":"attempt-start","time":"2026-11-21T00:01:05Z","attempt":2,"jobId":"77"}
                {"event":"attempt-end","time":"2026-11-2
                """);
        Path gen = ctl.resolve("images/gen-000001");
        Files.createDirectories(gen);
        Files.writeString(gen.resolve("MANIFEST.json"), "{}");
        assertEquals(0, crflow("status", "--json", "--workdir", tmp.toString()), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals("RUNNING", j.path("state").asText());
        JsonNode step = j.path("steps").get(0);
        List<String> fields = new java.util.ArrayList<>();
        step.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("name", "state", "jobId", "attempts", "restarts", "generations", "lastCheckpoint", "exitCode",
                "workSaved", "checkpointCost", "lostWork", "lostWorkTotal"), fields, "the contract's fields first, then the work-saved ones");
        assertEquals("77", step.path("jobId").asText());
        assertEquals(2, step.path("attempts").asInt());
        assertEquals(1, step.path("restarts").asInt());
        assertEquals(1, step.path("generations").asInt());
        assertTrue(step.path("lastCheckpoint").isTextual(), step.toString());
        assertTrue(step.path("exitCode").isNull());
    }

    @Test
    void statusShowsTheAutomaticIntervalAndItsInputs() throws Exception {
        Path ctl = tmp.resolve(".crflow/steps/count");
        Files.createDirectories(ctl);
        Files.writeString(tmp.resolve(".crflow/run.json"), "{\"runId\":\"abcdef123456\",\"workflowFile\":\"/x/w.groovy\",\"workflowName\":\"w\","
                + "\"executor\":\"local\",\"created\":\"2026-11-21T00:00:00Z\"}");
        dev.crflow.dsl.model.Workflow wf = dev.crflow.dsl.WorkflowLoader.load(workflow(), java.util.Optional.empty());
        Files.writeString(tmp.resolve(".crflow/workflow.json"), dev.crflow.executor.control.ControlJson.mapper().writeValueAsString(wf));
        Files.writeString(ctl.resolve("driver.json"), "{\"state\":\"RUNNING\",\"attempt\":1,\"jobIds\":[\"77\"]}");
        Files.writeString(ctl.resolve("journal.jsonl"), dev.crflow.cli.report.AutoIntervalFactsTestData.JOURNAL);
        assertEquals(0, crflow("status", "--json", "--workdir", tmp.toString()), err.toString());
        JsonNode step = new ObjectMapper().readTree(out.toString()).path("steps").get(0);
        assertEquals(540.0, step.path("autoInterval").path("intervalSeconds").asDouble(), step.toString());
        assertEquals(2.1, step.path("autoInterval").path("checkpointSeconds").asDouble(), step.toString());
        assertEquals("daly", step.path("autoInterval").path("bound").asText(), step.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, crflow("status", "--workdir", tmp.toString()), err.toString());
        assertTrue(out.toString().contains("    interval auto: every 9m 00s (daly: checkpoint 2.1 s"), out.toString());
    }

    @Test
    void statusShowsWorkSavedCheckpointCostAndLostWorkFromAGoldenJournal() throws Exception {
        Path ctl = tmp.resolve(".crflow/steps/count");
        Files.createDirectories(ctl);
        dev.crflow.dsl.model.Workflow wf = dev.crflow.dsl.WorkflowLoader.load(workflow(), java.util.Optional.empty());
        Files.writeString(tmp.resolve(".crflow/workflow.json"), dev.crflow.executor.control.ControlJson.mapper().writeValueAsString(wf));
        Files.writeString(tmp.resolve(".crflow/run.json"), "{\"runId\":\"abcdef123456\",\"workflowFile\":\"/x/w.groovy\",\"workflowName\":\"w\","
                + "\"executor\":\"slurm\",\"created\":\"2026-11-21T00:00:00Z\"}");
        Files.writeString(ctl.resolve("driver.json"), "{\"state\":\"COMPLETED\",\"attempt\":3,\"jobIds\":[\"100\",\"101\"]}");
        try (var in = getClass().getResourceAsStream("/status/walltime-then-lost.jsonl")) {
            Files.copy(in, ctl.resolve("journal.jsonl"));
        }
        assertEquals(0, crflow("status", "--json", "--workdir", tmp.toString()), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        JsonNode step = j.path("steps").get(0);
        assertEquals(3592.0, step.path("workSaved").path("seconds").asDouble(), 1e-9);
        assertEquals(2, step.path("workSaved").path("interruptions").asInt());
        JsonNode cost = step.path("checkpointCost");
        assertEquals(16.0, cost.path("seconds").asDouble(), 1e-9);
        assertEquals(9.0, cost.path("checkpointSeconds").asDouble(), 1e-9);
        assertEquals(7.0, cost.path("restoreSeconds").asDouble(), 1e-9);
        assertEquals(4, cost.path("checkpoints").asInt());
        assertEquals(2, cost.path("restores").asInt());
        assertEquals(4000, cost.path("bytesWritten").asLong());
        assertEquals(0, cost.path("bytesStored").asLong(), "no images on disk");
        JsonNode walltime = step.path("lostWork").get(0);
        assertEquals("walltime", walltime.path("reason").asText());
        assertEquals(0.0, walltime.path("seconds").asDouble(), "the warning's checkpoint stopped the application");
        assertTrue(walltime.path("stopCheckpoint").asBoolean());
        assertEquals(3, walltime.path("restoredFrom").asInt());
        assertEquals(1496.0, walltime.path("savedSeconds").asDouble(), 1e-9);
        JsonNode lost = step.path("lostWork").get(1);
        assertEquals("lost", lost.path("reason").asText());
        assertEquals(294.0, lost.path("seconds").asDouble(), 1e-9);
        assertEquals(294.0, step.path("lostWorkTotal").path("seconds").asDouble(), 1e-9);
        assertEquals(3592.0, j.path("workSaved").path("seconds").asDouble(), 1e-9, "the run's sum");
        assertEquals(16.0, j.path("checkpointCost").path("seconds").asDouble(), 1e-9);
        assertEquals(294.0, j.path("lostWorkTotal").path("seconds").asDouble(), 1e-9);

        out.getBuffer().setLength(0);
        assertEquals(0, crflow("status", "--workdir", tmp.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.contains("  count: saved 3592.0s over 2 interruption(s), lost 294.0s; cost 16.0s (4 checkpoint(s) 9.0s, 2 restore(s) 7.0s)"), text);
        assertTrue(text.contains("    attempt 1 (walltime): lost 0.0s, saved 1496.0s (stopped by its checkpoint)"), text);
        assertTrue(text.contains("    attempt 2 (lost): lost 294.0s, saved 2096.0s (from generation 4)"), text);
    }
}
