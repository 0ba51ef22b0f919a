package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ProfileWriterTest {
    @Test
    void snakemake7Profile() {
        String yaml = new ProfileWriter(Path.of("/opt/crflow/crflow"), Optional.empty(), 100, 60, 1).configYaml();
        assertTrue(yaml.contains("\ncluster: \"/opt/crflow/crflow snakemake submit\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-status: \"/opt/crflow/crflow snakemake status\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-cancel: \"/opt/crflow/crflow snakemake cancel\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-cancel-nargs: 200\n"), yaml);
        assertTrue(yaml.contains("\nmax-status-checks-per-second: 10\n"), yaml);
        assertTrue(yaml.contains("\nlatency-wait: 60\n"), yaml);
        assertTrue(yaml.contains("\nrestart-times: 1\n"), yaml);
        assertTrue(yaml.contains("\njobs: 100\n"), yaml);
        assertTrue(yaml.contains("\nrerun-incomplete: true\n"), "a restart must not stop at IncompleteFilesException; submit reattaches");
    }

    @Test
    void pathsWithSpacesAndQuotesAreQuotedForTheShellAndForYaml() {
        String yaml = new ProfileWriter(Path.of("/my dir/crflow"), Optional.of(Path.of("/p/it's \"x\".groovy")), 5, 10, 0).configYaml();
        // Snakemake runs `{cluster} "{jobscript}"` through the shell: the launcher must be one shell word.
        assertTrue(yaml.contains("cluster: \"'/my dir/crflow' snakemake submit --policy '/p/it'\\\\''s \\\"x\\\".groovy'\"\n"), yaml);
    }

    @Test
    void snakemake8FlagsCarryTheSameCommands() {
        List<String> f = new ProfileWriter(Path.of("/my dir/crflow"), Optional.of(Path.of("/p/policy.groovy")), 5, 10, 0).snakemake8Flags();
        assertEquals(List.of("--executor", "cluster-generic",
                "--cluster-generic-submit-cmd", "'/my dir/crflow' snakemake submit --policy /p/policy.groovy",
                "--cluster-generic-status-cmd", "'/my dir/crflow' snakemake status",
                "--cluster-generic-cancel-cmd", "'/my dir/crflow' snakemake cancel",
                "--cluster-generic-cancel-nargs", "200",
                "--max-status-checks-per-second", "10"), f);
    }

    @Test
    void cancelChunks() {
        List<String> ids = java.util.stream.IntStream.rangeClosed(1, 450).mapToObj(String::valueOf).toList();
        List<List<String>> c = CancelCommand.chunks(ids, 200);
        assertEquals(3, c.size());
        assertEquals(200, c.get(0).size());
        assertEquals(50, c.get(2).size());
        assertEquals("450", c.get(2).get(49));
        assertEquals(List.of(List.of("1")), CancelCommand.chunks(List.of("1"), 200));
    }
}
