package dev.crflow.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release installed into a fresh prefix runs the count example on the local Slurm with no java on PATH and
 * JAVA_HOME unset: the CLI and every job's coordinator run on the release's own jlink'ed runtime, across real
 * walltime requeues (count.groovy: one-minute attempts, 50 s of counting).
 */
class ReleaseCountIT {
    @Test
    void countExampleRunsFromAnUnpackedReleaseWithoutJava() throws Exception {
        Release.assumeSlurm();
        Release r = Release.install("release-count");
        // No java for the user or the job: sbatch passes this PATH on to the batch shell.
        ProcessBuilder which = new ProcessBuilder("bash", "-c", "command -v java");
        r.env(which);
        assertNotEquals(0, which.start().waitFor(), "java must not be on the test PATH " + r.noJavaPath);

        Release.Result version = r.crflow(r.prefix, 60, "--version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().contains("crflow 0.1.0") && version.output().contains("commit "), version.output());

        Path work = r.prefix.resolve("count");
        Files.createDirectories(work);
        for (String f : List.of("count.groovy", "count.py")) Files.copy(r.home.resolve("examples/count").resolve(f), work.resolve(f));
        Release.Result run = r.crflow(work, 600, "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        assertEquals(0, run.exitCode(), run.output());

        String script = Files.readString(work.resolve(".crflow/steps/count/job.sbatch"));
        assertTrue(script.contains("exec '" + r.home.resolve("runtime/bin/java") + "'"), script);
        assertTrue(script.contains("'" + r.home.resolve("lib/crflow-coordinator.jar") + "'"), script);

        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 100; i++) expected.add(Integer.toString(i));
        assertEquals(expected, Files.readAllLines(work.resolve("work/count.out")), "count.out holds 1..100 exactly once");
    }
}
