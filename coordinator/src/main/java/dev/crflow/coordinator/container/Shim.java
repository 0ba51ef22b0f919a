package dev.crflow.coordinator.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The in-container shim: a POSIX sh script shipped in the coordinator's jar, written to
 * {@code <ctl>/container/crflow-shim.sh} and bind-mounted read-only at {@link #DIR_IN_CONTAINER}.
 * The coordinator never runs a DMTCP client of its own build against the image's DMTCP: every DMTCP
 * command runs inside the image, through the shim (protocol in the script's header and docs/containers.md).
 */
public final class Shim {
    public static final String RESOURCE = "crflow-shim.sh";
    public static final String DIR_IN_CONTAINER = "/opt/crflow";
    public static final String PATH_IN_CONTAINER = DIR_IN_CONTAINER + "/" + RESOURCE;

    /** Shim exit codes (see the script). */
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_MISSING_TOOL = 3;
    public static final int EXIT_NO_COORDINATOR = 4;
    public static final int EXIT_CHECKPOINT_FAILED = 5;

    private Shim() {}

    /** The script's text, from the jar. */
    public static byte[] script() {
        try (InputStream in = Shim.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the coordinator jar lacks " + RESOURCE);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + " from the coordinator jar", e);
        }
    }

    /**
     * Writes the shim into {@code dir} (created 0700), owner read+execute only, by temp file + rename, and
     * returns the directory to bind at {@link #DIR_IN_CONTAINER}.
     */
    public static Path install(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path target = dir.resolve(RESOURCE);
        Path tmp = Files.createTempFile(dir, ".shim", ".tmp");
        try {
            Files.write(tmp, script());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return dir;
    }

    private static List<String> verb(String verb) {
        return new ArrayList<>(List.of("/bin/sh", PATH_IN_CONTAINER, verb));
    }

    /** {@code check [--engine E]}: key=value lines; exit 0 when the image has what the engine needs, 3 when not. */
    public static List<String> check(String engine) {
        List<String> cmd = verb("check");
        if (engine != null && !engine.isBlank()) { cmd.add("--engine"); cmd.add(engine); }
        return List.copyOf(cmd);
    }

    /** {@code exec [--marker M] -- ARGV}: the application (engines signal and none). */
    public static List<String> exec(Optional<String> marker, List<String> argv) {
        List<String> cmd = verb("exec");
        marker.ifPresent(m -> { cmd.add("--marker"); cmd.add(m); });
        cmd.add("--");
        cmd.addAll(argv);
        return List.copyOf(cmd);
    }

    /** {@code dmtcp-launch}: a coordinator of the image's DMTCP on 127.0.0.1, then {@code dmtcp_launch} of ARGV. */
    public static List<String> dmtcpLaunch(String runDir, String ckptDir, Optional<Duration> interval, Optional<String> marker, List<String> argv) {
        List<String> cmd = verb("dmtcp-launch");
        dirs(cmd, runDir, ckptDir);
        interval.ifPresent(i -> { cmd.add("--interval"); cmd.add(Long.toString(Math.max(1, i.toSeconds()))); });
        marker.ifPresent(m -> { cmd.add("--marker"); cmd.add(m); });
        cmd.add("--");
        cmd.addAll(argv);
        return List.copyOf(cmd);
    }

    /** {@code dmtcp-restart}: a fresh coordinator, then {@code dmtcp_restart} of every image in {@code imagesDir}. */
    public static List<String> dmtcpRestart(String runDir, String ckptDir, String imagesDir, Optional<Duration> interval, Optional<String> marker) {
        List<String> cmd = verb("dmtcp-restart");
        dirs(cmd, runDir, ckptDir);
        cmd.add("--images"); cmd.add(imagesDir);
        interval.ifPresent(i -> { cmd.add("--interval"); cmd.add(Long.toString(Math.max(1, i.toSeconds()))); });
        marker.ifPresent(m -> { cmd.add("--marker"); cmd.add(m); });
        return List.copyOf(cmd);
    }

    /** Blocking checkpoint with the image's {@code dmtcp_command}: exit 0 when every process wrote its image. */
    public static List<String> dmtcpCheckpoint(String runDir) { return control("dmtcp-checkpoint", runDir); }

    public static List<String> dmtcpStatus(String runDir) { return control("dmtcp-status", runDir); }

    public static List<String> dmtcpQuit(String runDir) { return control("dmtcp-quit", runDir); }

    private static List<String> control(String verb, String runDir) {
        List<String> cmd = verb(verb);
        cmd.add("--run-dir"); cmd.add(runDir);
        return List.copyOf(cmd);
    }

    private static void dirs(List<String> cmd, String runDir, String ckptDir) {
        cmd.add("--run-dir"); cmd.add(runDir);
        cmd.add("--ckpt-dir"); cmd.add(ckptDir);
    }
}
