package dev.crflow.executor.slurm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a job starts the coordinator: which java, which jar, which JVM flags.
 *
 * @param java     absolute path of the java executable the job runs
 * @param jar      absolute path of {@code crflow-coordinator.jar} (on storage the compute nodes see)
 * @param jvmFlags flags for a small, fast-starting in-job JVM
 */
public record CoordinatorLaunch(Path java, Path jar, List<String> jvmFlags) {
    /**
     * A coordinator only watches, signals and packs images in the background: serial GC, a small heap and C1 only start
     * fast and stay small. The flags of docs/contracts.md section 5, the ones every coordinator IT and benchmark runs with:
     * without {@code -Xms8m} the first heap is 1/64 of the node's memory (up to the -Xmx), whose young generation is
     * filled before the first collection (measured: 81 MB peak RSS packing 256 MiB instead of 64 MB on a 24 GB node).
     */
    public static final List<String> DEFAULT_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx48m", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");

    public CoordinatorLaunch {
        jvmFlags = List.copyOf(jvmFlags);
    }

    /**
     * From what the launcher passes: system properties {@code crflow.java} and {@code crflow.home};
     * the environment variable {@code CRFLOW_COORDINATOR_JAR} overrides the jar. A release ({@code bin/crflow})
     * has {@code <home>/lib/crflow-coordinator.jar} and its own runtime {@code <home>/runtime/bin/java}, so the
     * compute nodes need no Java; a source checkout ({@code ./crflow}) has {@code <home>/coordinator/target/}.
     * Falls back to the running JVM.
     */
    public static CoordinatorLaunch fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperties());
    }

    static CoordinatorLaunch fromEnvironment(Map<String, String> env, java.util.Properties props) {
        String javaProp = props.getProperty("crflow.java");
        String home = props.getProperty("crflow.home");
        Path java;
        if (javaProp != null && !javaProp.isBlank()) {
            java = Path.of(javaProp);
        } else if (home != null && Files.isExecutable(releaseJava(Path.of(home)))) {
            java = releaseJava(Path.of(home));
        } else {
            java = Path.of(props.getProperty("java.home"), "bin", "java");
        }
        Path jar;
        String override = env.get("CRFLOW_COORDINATOR_JAR");
        if (override != null && !override.isBlank()) {
            jar = Path.of(override);
        } else {
            jar = home != null ? homeJar(Path.of(home)) : findFromWorkingDirectory();
        }
        return new CoordinatorLaunch(java.toAbsolutePath().normalize(), jar.toAbsolutePath().normalize(), DEFAULT_JVM_FLAGS);
    }

    /** The jlink'ed runtime a release ships (what {@code bin/crflow} passes as {@code crflow.java}). */
    public static Path releaseJava(Path home) {
        return home.resolve("runtime").resolve("bin").resolve("java");
    }

    /** A release's {@code lib/crflow-coordinator.jar}, else a checkout's {@code coordinator/target/crflow-coordinator.jar}. */
    static Path homeJar(Path home) {
        Path release = home.resolve("lib").resolve("crflow-coordinator.jar");
        return Files.isRegularFile(release) ? release : home.resolve("coordinator").resolve("target").resolve("crflow-coordinator.jar");
    }

    /** Tests and embedded use: the jar built in this source tree, looked up from the working directory upwards. */
    private static Path findFromWorkingDirectory() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("coordinator/target/crflow-coordinator.jar");
            if (Files.exists(candidate)) return candidate;
        }
        return dir.resolve("coordinator/target/crflow-coordinator.jar");
    }

    /** The argument list of {@code java <flags> -jar <jar> run --control <ctl> [extra...]}. */
    public List<String> command(Path controlDir, String... extra) {
        java.util.ArrayList<String> cmd = new java.util.ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmFlags);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("run");
        cmd.add("--control");
        cmd.add(controlDir.toString());
        cmd.addAll(List.of(extra));
        return cmd;
    }
}
