package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Snakemake 8/9 executor plugin (engine-bridge/snakemake/python) in the Maven build: its Python unit tests
 * (unittest, stubs for the snakemake-interface packages) and an offline wheel build and install with Debian's own
 * python3-pip/setuptools/wheel. The wheel is left in target/python-dist/.
 */
class PythonPluginTest {
    private static final Path MODULE = SnakemakeHarness.repoRoot().resolve("engine-bridge/snakemake");
    private static final Path SOURCES = MODULE.resolve("python");

    /** Debian's interpreter where there is one (what CI has), else python3 on PATH. */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static String run(List<String> cmd, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");   // nothing written into the source tree
        pb.environment().put("PIP_NO_INDEX", "1");              // offline, always
        pb.environment().put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    @Test
    void pythonUnitTestsPass() throws Exception {
        String out = run(List.of(python(), "-m", "unittest", "discover", "-v", "-s", "tests"), SOURCES);
        assertTrue(out.contains("OK"), out);
        assertFalse(out.contains("skipped"), "no plugin test may skip in CI:\n" + out);
    }

    @Test
    void wheelBuildsAndInstallsOffline() throws Exception {
        Path target = MODULE.resolve("target");
        Path build = target.resolve("python-build");
        Path dist = target.resolve("python-dist");
        Path site = target.resolve("python-site");
        for (Path d : List.of(build, dist, site)) deleteTree(d);
        // a copy, so that setuptools' build/ and egg-info land in target/, not in the sources
        copyTree(SOURCES, build);
        run(List.of(python(), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist.toString(), "."), build);
        List<Path> wheels;
        try (Stream<Path> s = Files.list(dist)) {
            wheels = s.filter(p -> p.getFileName().toString().endsWith(".whl")).toList();
        }
        assertEquals(1, wheels.size(), wheels.toString());
        assertTrue(wheels.get(0).getFileName().toString().startsWith("snakemake_executor_plugin_crflow-"), wheels.toString());
        run(List.of(python(), "-m", "pip", "install", "--no-deps", "--no-index", "--target", site.toString(), wheels.get(0).toString()), target);
        // Snakemake finds executor plugins by module name: the installed package must import (stubs for the interface).
        String probe = "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import snakemake_executor_plugin_crflow as p; "
                + "print(p.__file__); print(sorted(n for n in ('Executor', 'ExecutorSettings', 'common_settings') if hasattr(p, n)))";
        String out = run(List.of(python(), "-c", probe, site.toString(), SOURCES.resolve("tests/stubs").toString()), target);
        assertTrue(out.contains(site.toString()), "imported from the installed wheel:\n" + out);
        assertTrue(out.contains("['Executor', 'ExecutorSettings', 'common_settings']"), out);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                String rel = from.relativize(p).toString();
                if (rel.contains("__pycache__") || rel.startsWith("build") || rel.contains(".egg-info") || rel.startsWith("dist")) continue;
                Path t = to.resolve(rel);
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) return;
        try (Stream<Path> s = Files.walk(d)) {
            List<Path> all = new ArrayList<>(s.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) Files.delete(p);
        }
    }
}
