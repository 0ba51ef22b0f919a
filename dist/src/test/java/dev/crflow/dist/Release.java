package dev.crflow.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The release tarball installed into a fresh prefix, and a PATH on which no java exists. */
final class Release {
    final Path prefix;
    final Path home;
    final Path noJavaPath;

    private Release(Path prefix, Path home, Path noJavaPath) {
        this.prefix = prefix;
        this.home = home;
        this.noJavaPath = noJavaPath;
    }

    /** Unpacks the tarball under target/ (storage the local cluster's nodes share) into a new directory. */
    static Release install(String name) throws Exception {
        Path tarball = Path.of(System.getProperty("crflow.release.tarball", "target/none.tar.gz"));
        assertTrue(Files.isRegularFile(tarball), "the release tarball is built by 'mvn package': " + tarball);
        Path prefix = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name + "-");
        Process p = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", prefix.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "tar -xzf");
        Path home = prefix.resolve(System.getProperty("crflow.release.name", "crflow-0.1.0"));
        return new Release(prefix, home, noJavaBin(prefix.resolve("path")));
    }

    /** A directory of links to every command on the usual PATH except those that lead into a JDK. */
    static Path noJavaBin(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String d : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path src = Path.of(d);
            if (!Files.isDirectory(src)) continue;
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path link = dir.resolve(f.getFileName().toString());
                    if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                    Path real;
                    try {
                        real = f.toRealPath();
                    } catch (IOException e) {
                        continue;
                    }
                    if (real.toString().startsWith("/usr/lib/jvm") || f.getFileName().toString().equals("java")) continue;
                    if (!Files.isRegularFile(real) || !Files.isExecutable(real)) continue;
                    Files.createSymbolicLink(link, real);
                }
            }
        }
        return dir;
    }

    /** The environment of a user without Java: JAVA_HOME unset, PATH without java. */
    Map<String, String> env(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.remove("CRFLOW_COORDINATOR_JAR");
        env.remove("CRFLOW_JAVA_OPTS");
        env.put("PATH", noJavaPath.toString());
        return env;
    }

    record Result(int exitCode, String output) {}

    /** bin/crflow ARGS in DIR, without Java on PATH; output (both streams) also kept in LOG. */
    Result crflow(Path dir, long timeoutSeconds, String... args) throws Exception {
        return crflow(dir, Map.of(), timeoutSeconds, args);
    }

    /** The same with EXTRA added to the user's environment (e.g. what a site profile sets). */
    Result crflow(Path dir, Map<String, String> extra, long timeoutSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/crflow").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        env(pb).putAll(extra);
        Path log = Files.createTempFile(prefix, "crflow-", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
            fail("crflow " + String.join(" ", args) + " did not end within " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    static void assumeSlurm() {
        boolean up;
        try {
            Process p = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            up = p.waitFor() == 0 && (out.contains("idle") || out.contains("mix") || out.contains("alloc"));
        } catch (IOException | InterruptedException e) {
            up = false;
        }
        assumeTrue(up, "no local Slurm cluster (scripts/local-slurm up --nodes 2)");
    }
}
