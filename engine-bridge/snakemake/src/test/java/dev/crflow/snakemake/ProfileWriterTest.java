package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ProfileWriterTest {
    @TempDir Path tmp;

    private static ProfileWriter seven(Path launcher, Optional<Path> policy) {
        return new ProfileWriter(launcher, policy, 100, 60, 1, Path.of("/home/u/prof"), ProfileWriter.Target.SNAKEMAKE_7);
    }

    @Test
    void snakemake7Profile() {
        String yaml = seven(Path.of("/opt/crflow/crflow"), Optional.empty()).configYaml();
        assertTrue(yaml.contains("\ncluster: \"/opt/crflow/crflow snakemake submit\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-status: \"/home/u/prof/crflow-status\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-sidecar: \"/home/u/prof/crflow-sidecar\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-cancel: \"/home/u/prof/crflow-cancel\"\n"), "run without a shell: one path\n" + yaml);
        assertTrue(yaml.contains("\ncluster-cancel-nargs: 200\n"), yaml);
        assertTrue(yaml.contains("\nmax-status-checks-per-second: 100\n"), yaml);
        assertTrue(yaml.contains("\nlatency-wait: 60\n"), yaml);
        assertTrue(yaml.contains("\nrestart-times: 1\n"), yaml);
        assertTrue(yaml.contains("\njobs: 100\n"), yaml);
        assertTrue(yaml.contains("\nrerun-incomplete: true\n"), "a restart must not stop at IncompleteFilesException; submit reattaches");
    }

    @Test
    void scriptsExecTheBridge() throws Exception {
        Path dir = tmp.resolve("p");
        ProfileWriter w = new ProfileWriter(Path.of("/my dir/crflow"), Optional.empty(), 5, 10, 0, dir, ProfileWriter.Target.SNAKEMAKE_7);
        w.write();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("crflow-status"))));
        assertTrue(Files.readString(dir.resolve("crflow-sidecar")).endsWith("\nexec '/my dir/crflow' snakemake sidecar\n"));
        assertTrue(Files.readString(dir.resolve("crflow-cancel")).endsWith("\nexec '/my dir/crflow' snakemake cancel \"$@\"\n"),
                "without a sidecar: the cancel command");
        assertTrue(Files.readString(dir.resolve("crflow-status")).endsWith("\nexec '/my dir/crflow' snakemake status \"$@\"\n"));
        assertTrue(Files.readString(dir.resolve("config.yaml")).contains("cluster-sidecar"));
    }

    @Test
    void pathsWithSpacesAndQuotesAreQuotedForTheShellAndForYaml() {
        String yaml = new ProfileWriter(Path.of("/my dir/crflow"), Optional.of(Path.of("/p/it's \"x\".groovy")), 5, 10, 0,
                Path.of("/pro file"), ProfileWriter.Target.SNAKEMAKE_7).configYaml();
        // Snakemake runs `{cluster} "{jobscript}"` through the shell: the launcher must be one shell word.
        assertTrue(yaml.contains("cluster: \"'/my dir/crflow' snakemake submit --policy '/p/it'\\\\''s \\\"x\\\".groovy'\"\n"), yaml);
        // status goes through the shell too; the sidecar and cancel do not
        assertTrue(yaml.contains("cluster-status: \"'/pro file/crflow-status'\"\n"), yaml);
        assertTrue(yaml.contains("cluster-sidecar: \"/pro file/crflow-sidecar\"\n"), yaml);
    }

    @Test
    void snakemake8FlagsCarryTheSameCommands() {
        List<String> f = new ProfileWriter(Path.of("/my dir/crflow"), Optional.of(Path.of("/p/policy.groovy")), 5, 10, 0,
                Path.of("/prof"), ProfileWriter.Target.SNAKEMAKE_7).snakemake8Flags();
        assertEquals(List.of("--executor", "cluster-generic",
                "--cluster-generic-submit-cmd", "'/my dir/crflow' snakemake submit --policy /p/policy.groovy",
                "--cluster-generic-status-cmd", "/prof/crflow-status",
                "--cluster-generic-sidecar-cmd", "/prof/crflow-sidecar",
                "--cluster-generic-cancel-cmd", "/prof/crflow-cancel",
                "--cluster-generic-cancel-nargs", "200",
                "--max-status-checks-per-second", "100", "--rerun-incomplete"), f);
    }

    @Test
    void snakemake8ProfileUsesClusterGeneric() {
        String yaml = new ProfileWriter(Path.of("/c/crflow"), Optional.empty(), 5, 10, 2, Path.of("/prof"),
                ProfileWriter.Target.SNAKEMAKE_8).configYaml();
        assertTrue(yaml.contains("\nexecutor: cluster-generic\n"), yaml);
        assertTrue(yaml.contains("\ncluster-generic-submit-cmd: \"/c/crflow snakemake submit\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-generic-status-cmd: \"/prof/crflow-status\"\n"), yaml);
        assertTrue(yaml.contains("\ncluster-generic-sidecar-cmd: \"/prof/crflow-sidecar\"\n"), yaml);
        assertTrue(yaml.contains("\nretries: 2\n"), yaml);
        assertFalse(yaml.contains("restart-times"), yaml);
    }

    @Test
    void snakemake9ProfileUsesThePlugin() {
        ProfileWriter w = new ProfileWriter(Path.of("/c d/crflow"), Optional.of(Path.of("/p/pol.groovy")), 5, 10, 0, Path.of("/prof"),
                ProfileWriter.Target.SNAKEMAKE_9);
        String yaml = w.configYaml();
        assertTrue(yaml.contains("\nexecutor: crflow\n"), yaml);
        assertTrue(yaml.contains("\ncrflow-bridge: \"'/c d/crflow' snakemake\"\n"), yaml);
        assertTrue(yaml.contains("\ncrflow-policy: \"/p/pol.groovy\"\n"), yaml);
        assertFalse(yaml.contains("cluster"), yaml);
        assertTrue(w.scripts().isEmpty());
    }

    @Test
    void targetParsing() {
        assertEquals(ProfileWriter.Target.SNAKEMAKE_9, ProfileWriter.Target.parse("9"));
        assertEquals("8", ProfileWriter.Target.SNAKEMAKE_8.major());
        assertThrows(IllegalArgumentException.class, () -> ProfileWriter.Target.parse("6"));
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
