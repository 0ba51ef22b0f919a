package dev.crflow.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression (issue 12): {@code sbatch '--comment=…'} passed {@code crflow check} while {@code render} and
 * {@code run} died with an internal IllegalArgumentException, because the DSL and the executor kept two lists
 * of the sbatch options crflow manages. There is one list now: check refuses the option at its line.
 */
class ManagedSbatchOptionTest {
    @TempDir Path dir;

    private Path workflow() throws IOException {
        Path f = dir.resolve("comment.groovy");
        Files.writeString(f, """
                workflow('demo') {
                  step('a') {
                    command './a'
                    sbatch '--comment=my-run'
                  }
                }
                """);
        return f;
    }

    @Test
    void checkRefusesAManagedOptionAtItsLine() throws IOException {
        Path f = workflow();
        CliRun run = CliRun.of("check", f.toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode(), run.err());
        assertTrue(run.err().startsWith(f + ":4: sbatch option '--comment' conflicts with crflow: "), run.err());
        assertEquals("", run.out());
    }

    @Test
    void renderNeverFailsWithAnInternalError() throws IOException {
        Path f = workflow();
        CliRun run = CliRun.of("render", f.toString(), "a", "--workdir", dir.toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode(), run.err());
        assertTrue(run.err().contains(f + ":4: sbatch option '--comment'"), run.err());
        assertFalse(run.err().contains("internal error"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void runRefusesItBeforeAnythingIsSubmitted() throws IOException {
        Path f = workflow();
        CliRun run = CliRun.of("run", f.toString(), "--executor", "slurm", "--workdir", dir.toString());
        assertEquals(ExitCodes.INVALID_INPUT, run.exitCode(), run.err());
        assertTrue(run.err().contains(f + ":4: sbatch option '--comment'"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        assertFalse(Files.exists(dir.resolve(".crflow/steps/a/job.sbatch")), "nothing rendered, nothing submitted");
    }

    /** Every option the executor refuses is refused by check too, at its line, never by render. */
    @Test
    void everyOptionTheExecutorRefusesIsACheckError() throws IOException {
        for (String option : dev.crflow.dsl.policy.SbatchOptions.refusedByTheExecutor()) {
            Path f = dir.resolve("o.groovy");
            Files.writeString(f, "workflow('demo') {\n  step('a') {\n    command './a'\n    sbatch '--" + option + "=x'\n  }\n}\n");
            CliRun run = CliRun.of("check", f.toString());
            assertEquals(ExitCodes.INVALID_INPUT, run.exitCode(), option + ": " + run.err());
            assertTrue(run.err().startsWith(f + ":4: "), option + ": " + run.err());
        }
    }
}
