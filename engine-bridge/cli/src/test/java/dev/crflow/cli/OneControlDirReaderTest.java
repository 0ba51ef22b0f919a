package dev.crflow.cli;

import dev.crflow.cli.runner.DriverStepState;
import dev.crflow.cli.runner.StepView;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.run.History;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.control.StepControlDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression tests for issue 12's disagreements between the coordinator and the CLI: one definition of a valid
 * generation (the coordinator's ImageStore), one count of restarts and compute (the coordinator's History).
 */
class OneControlDirReaderTest {
    @TempDir Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int crflow(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** A run directory as `crflow run` leaves it, with step "count" (totalTime 1h) and its control directory. */
    Path run() throws Exception {
        Path f = tmp.resolve("w.groovy");
        Files.writeString(f, """
                workflow('w') {
                  step('count') {
                    command 'python3 count.py'
                    time '00:10:00'
                    checkpoint { engine 'signal'; signal 'USR1', lead: '60s'; state 'state'; totalTime '1h'; maxRestarts 3 }
                  }
                }
                """);
        Path ctl = tmp.resolve(".crflow/steps/count");
        Files.createDirectories(ctl);
        Files.writeString(tmp.resolve(".crflow/run.json"), "{\"runId\":\"abcdef123456\",\"workflowFile\":\"" + f + "\",\"workflowName\":\"w\","
                + "\"executor\":\"slurm\",\"created\":\"2026-11-21T00:00:00Z\"}");
        Workflow wf = dev.crflow.dsl.WorkflowLoader.load(f, Optional.empty());
        Files.writeString(tmp.resolve(".crflow/workflow.json"), dev.crflow.executor.control.ControlJson.mapper().writeValueAsString(wf));
        Files.writeString(ctl.resolve("driver.json"), "{\"state\":\"FAILED\",\"attempt\":1,\"jobIds\":[\"77\"]}");
        return ctl;
    }

    /** A generation whose manifest lists one file of {@code recorded} bytes; {@code actual} bytes are on disk. */
    static void generation(Path ctl, int n, int recorded, int actual, String checksum) throws Exception {
        Path gen = Files.createDirectories(ctl.resolve(String.format("images/gen-%06d", n)));
        Files.write(gen.resolve("state.img"), new byte[actual]);
        Files.writeString(gen.resolve("MANIFEST.json"), "{\"format\":1,\"generation\":" + n + ",\"engine\":\"signal\",\"created\":"
                + "\"2026-11-21T00:00:0" + n + "Z\",\"checksumAlgorithm\":\"CRC32C\",\"totalBytes\":" + recorded
                + ",\"files\":[{\"path\":\"state.img\",\"bytes\":" + recorded + ",\"checksum\":\"" + checksum + "\"}]}");
    }

    @Test
    void restartRefusesAGenerationWhoseFilesDoNotMatchItsManifest() throws Exception {
        Path ctl = run();
        generation(ctl, 1, 4096, 4096, crc32c(new byte[4096]));
        generation(ctl, 2, 4096, 100, crc32c(new byte[4096]));     // truncated: the coordinator refuses it (exit 99)
        assertEquals(ExitCodes.INVALID_INPUT, crflow("restart", "count", "--generation", "2", "--workdir", tmp.toString()), err.toString());
        assertTrue(err.toString().contains("generation 2 cannot be restored (state.img: 100 bytes, manifest says 4096)"), err.toString());
        assertTrue(err.toString().contains("Complete generations: 1"), err.toString());
        assertFalse(Files.exists(ctl.resolve("requests/restore-generation")), "nothing requested");
        assertTrue(new String(Files.readAllBytes(ctl.resolve("driver.json"))).contains("FAILED"), "the step is left as it was");
    }

    @Test
    void restartRefusesAGenerationThatFailsVerification() throws Exception {
        Path ctl = run();
        generation(ctl, 1, 4096, 4096, "00000000");                // right size, wrong checksum
        assertEquals(ExitCodes.INVALID_INPUT, crflow("restart", "count", "--generation", "1", "--workdir", tmp.toString()), err.toString());
        assertTrue(err.toString().contains("generation 1 cannot be restored (state.img: checksum"), err.toString());
        assertTrue(err.toString().contains("Complete generations: 1"), "complete by size, refused by checksum: " + err);
    }

    @Test
    void statusCountsGenerationsAsTheCoordinatorDoes() throws Exception {
        Path ctl = run();
        generation(ctl, 1, 4096, 4096, crc32c(new byte[4096]));
        generation(ctl, 2, 4096, 100, crc32c(new byte[4096]));
        assertEquals(0, crflow("status", "--json", "--workdir", tmp.toString()), err.toString());
        assertTrue(out.toString().contains("\"generations\" : 1"), out.toString());
    }

    @Test
    void statusAndTheCoordinatorAgreeOnTheBudgetLeftAndTheRestarts() throws Exception {
        Path ctl = run();
        Files.writeString(ctl.resolve("journal.jsonl"), """
                {"event":"attempt-start","time":"2026-11-21T00:00:01Z","attempt":1,"jobId":"77","host":"n1"}
                {"event":"attempt-end","time":"2026-11-21T00:00:12Z","attempt":1,"reason":"walltime","requeued":true,"computeSeconds":10.6}
                {"event":"attempt-start","time":"2026-11-21T00:00:20Z","attempt":2,"jobId":"77","host":"n1"}
                {"event":"attempt-end","time":"2026-11-21T00:00:41Z","attempt":2,"reason":"preempted","requeued":true,"computeSeconds":20.7}
                {"event":"attempt-lost","time":"2026-11-21T00:01:00Z","jobId":"78","reason":"boot-fail","node":"n2"}
                {"event":"attempt-start","time":"2026-11-21T00:02:00Z","attempt":3,"jobId":"79","host":"n1"}
                """);
        Workflow wf = dev.crflow.dsl.WorkflowLoader.load(tmp.resolve("w.groovy"), Optional.empty());
        Step step = wf.step("count").orElseThrow();
        StepView v = StepView.of(step, DriverStepState.initial(), new StepControlDir(ctl));
        History coordinator = History.of(Journal.read(ctl));
        // the coordinator charges 31.3 s; summing truncated seconds said 30
        assertEquals(Duration.ofHours(1).minusMillis(Math.round(coordinator.computeSeconds() * 1000)), v.budgetLeft().orElseThrow());
        assertEquals(Duration.ofHours(1).minusMillis(31_300), v.budgetLeft().orElseThrow());
        assertEquals(3, v.attempts());
        assertEquals(3, coordinator.restarts(), "two requeues plus the job lost before it started");
        assertEquals(coordinator.restarts(), v.restarts(), "status counts what the coordinator counts");
    }

    static String crc32c(byte[] data) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(data);
        return String.format("%08x", c.getValue());
    }
}
