package dev.crflow.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckCommandTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void validFileExitsZeroAndSaysSo() throws IOException {
        Path f = write("ok.groovy", """
                workflow('demo') {
                  profile('big') { defaults { nodes 2 } }
                  step('a') { command './a' }
                  step('b') { after 'a'; command './b' }
                }
                """);
        CliRun run = CliRun.of("check", f.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(f + ": ok (2 steps)\n", run.out());
        assertEquals("", run.err());

        CliRun withProfile = CliRun.of("check", f.toString(), "--profile", "big");
        assertEquals(ExitCodes.OK, withProfile.exitCode(), withProfile.err());
        assertEquals(f + ": ok (2 steps, profile big)\n", withProfile.out());
    }

    @Test
    void everyErrorIsPrintedOnStderrAsFileLineMessageAndExitIsTwo() throws IOException {
        Path f = write("bad.groovy", """
                workflow('demo') {
                  step('a') {
                    command './a'
                    checkpoint { engine 'dmtcp'; intreval '5m' }
                    nodes 0
                  }
                  step('b') { after 'c'; command './b' }
                }
                """);
        CliRun run = CliRun.of("check", f.toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode());
        assertEquals("", run.out());
        assertEquals(f + ":4: unknown keyword 'intreval' in checkpoint block; did you mean 'interval'?\n"
                + f + ":5: nodes must be at least 1, got 0\n"
                + f + ":7: step 'b' runs after unknown step 'c'\n"
                + "crflow: " + f + ": 3 errors\n", run.err());
    }

    @Test
    void warningsAreShownButTheCheckPasses() throws IOException {
        Path f = write("warn.groovy", """
                workflow('demo') {
                  step('a') {
                    command './a'
                    time '1h'
                    checkpoint { engine 'dmtcp'; interval '2h' }
                  }
                }
                """);
        CliRun run = CliRun.of("check", f.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(f + ":5: warning: interval 2h is not shorter than time 1h: only the warning signal will trigger a checkpoint (step 'a')\n", run.err());
        assertEquals(f + ": ok (1 step, 1 warning)\n", run.out());
    }

    @Test
    void unknownProfileNamesTheKnownOnes() throws IOException {
        Path f = write("p.groovy", """
                workflow('demo') {
                  profile('perlmutter') { defaults { constraint 'cpu' } }
                  step('a') { command './a' }
                }
                """);
        CliRun run = CliRun.of("check", f.toString(), "--profile", "frontier");
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode());
        assertTrue(run.err().startsWith(f + ":1: unknown profile 'frontier' (known profiles: perlmutter)\n"), run.err());
    }

    @Test
    void policyOnlyFileIsChecked() throws IOException {
        Path f = write("policy.groovy", """
                policy {
                  match('sim*') { checkpoint { engine 'dmtcp'; interval '10m' } }
                  match('*') { retry 1 }
                }
                """);
        CliRun run = CliRun.of("check", f.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(f + ": ok (2 policy rules)\n", run.out());
    }

    @Test
    void missingFileIsInvalidInputWithAClearMessage() {
        Path f = dir.resolve("nope.groovy");
        CliRun run = CliRun.of("check", f.toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode());
        assertEquals("crflow: no such file: " + f + " (give the path of a workflow file)\n", run.err());
    }

    @Test
    void syntaxErrorsCarryTheirLine() throws IOException {
        Path f = write("syntax.groovy", """
                workflow('demo') {
                  step('a') {
                    command './a
                  }
                }
                """);
        CliRun run = CliRun.of("check", f.toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode());
        assertTrue(run.err().startsWith(f + ":3: syntax error: "), run.err());
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun run = CliRun.of("check", "--help");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().contains("--profile=P"), run.out());
        assertTrue(run.out().contains("2   the file has errors"), run.out());
    }

    @Test
    void jsonListsEveryDiagnosticForMachines() throws IOException {
        Path f = write("j.groovy", "workflow('w') {\n  step('a') { command 'x'; nodes 0 }\n  step('b') { command 'y'; env SLURM_X: '1' }\n}\n");
        CliRun run = CliRun.of("check", "--json", f.toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode(), run.err());
        var tree = dev.crflow.dsl.model.ModelJson.mapper().readTree(run.out());
        assertEquals(f.toString(), tree.get("file").asText());
        assertEquals(false, tree.get("ok").asBoolean());
        assertEquals(2, tree.get("diagnostics").size());
        assertEquals(2, tree.get("diagnostics").get(0).get("line").asInt());
        assertEquals("ERROR", tree.get("diagnostics").get(0).get("severity").asText());
        assertEquals("nodes must be at least 1, got 0", tree.get("diagnostics").get(0).get("message").asText());
        assertEquals("WARNING", tree.get("diagnostics").get(1).get("severity").asText());

        CliRun missing = CliRun.of("check", "--json", dir.resolve("none.groovy").toString());
        assertEquals(ExitCodes.INVALID_INPUT, missing.exitCode());
        assertTrue(missing.out().contains("\"message\" : \"no such file\""), missing.out());
    }
}
