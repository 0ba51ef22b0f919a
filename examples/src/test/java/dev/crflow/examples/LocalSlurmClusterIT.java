package dev.crflow.examples;

import org.junit.jupiter.api.parallel.Isolated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first proof that the project's own Slurm cluster (scripts/local-slurm) is real and usable from
 * Java: jobs go through sbatch, run on the nodes, finish COMPLETED and leave their output behind.
 */
@Isolated("changes the cluster for every test running beside it")
class LocalSlurmClusterIT {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private LocalSlurmCluster slurm;
    private final List<String> submitted = new ArrayList<>();

    @BeforeEach
    void cluster() {
        slurm = LocalSlurmCluster.require();
    }

    @AfterEach
    void cancelLeftovers() throws IOException {
        if (slurm != null) {
            slurm.cancel(submitted);
        }
    }

    @Test
    void batchJobRunsToCompletionAndWritesItsOutput() throws Exception {
        Path script = script("hello.sbatch", """
                #!/bin/bash
                sum=0
                for i in $(seq 1 100); do sum=$((sum + i)); done
                echo "job=$SLURM_JOB_ID node=$SLURMD_NODENAME sum=$sum"
                """);
        Path out = dir.resolve("hello.out");

        String id = submit(List.of("--job-name=crflow-it-hello", "--chdir=" + dir, "--output=" + out, "--time=5"), script);
        String state = slurm.awaitFinalState(id, JOB_TIMEOUT);

        assertEquals("COMPLETED", state, () -> "job " + id + " ended " + state + "; output:\n" + read(out));
        String record = slurm.showJob(id);
        assertEquals("0:0", LocalSlurmCluster.field(record, "ExitCode").orElse("?"), record);
        String output = read(out).strip();
        assertTrue(output.matches("job=" + id + " node=\\S+ sum=5050"), "unexpected output of job " + id + ": " + output);
        String node = output.replaceAll(".* node=(\\S+) .*", "$1");
        assertTrue(slurm.nodes().contains(node), "job ran on '" + node + "', not one of " + slurm.nodes());
    }

    @Test
    void jobCanBePlacedOnEveryNode() throws Exception {
        List<String> nodes = slurm.nodes();
        assertTrue(nodes.size() >= 2, "the local cluster has " + nodes + "; the tests need two nodes (requeue onto the"
                + " other node): sudo scripts/local-slurm up --nodes 2");
        Path script = script("where.sbatch", """
                #!/bin/bash
                echo "$SLURMD_NODENAME"
                """);

        Map<String, String> jobByNode = new LinkedHashMap<>();
        for (String node : nodes) {
            slurm.awaitUsable(node, JOB_TIMEOUT);
            jobByNode.put(node, submit(List.of("--job-name=crflow-it-where", "--nodelist=" + node,
                    "--output=" + dir.resolve(node + ".out"), "--time=5"), script));
        }
        for (var e : jobByNode.entrySet()) {
            String node = e.getKey();
            String id = e.getValue();
            Path out = dir.resolve(node + ".out");
            String state = slurm.awaitFinalState(id, JOB_TIMEOUT);
            assertEquals("COMPLETED", state, () -> "job " + id + " on " + node + " ended " + state + ": " + read(out));
            assertEquals(node, read(out).strip(), "job " + id + " was asked to run on " + node);
            assertEquals(node, LocalSlurmCluster.field(slurm.showJob(id), "NodeList").orElse("?"));
        }
    }

    private String submit(List<String> options, Path script) throws IOException {
        String id = slurm.submit(options, script.toString());
        submitted.add(id);
        return id;
    }

    private Path script(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "(no output file " + p + ")";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e.getMessage() + ")";
        }
    }
}
