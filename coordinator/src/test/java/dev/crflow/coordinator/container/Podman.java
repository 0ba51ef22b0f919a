package dev.crflow.coordinator.container;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Real podman for the container ITs: this machine's configuration (runc, cgroupfs, no default ulimits; see
 * docs/containers.md) in a private containers.conf, and a small offline test image built from the host's own
 * binaries (cached in podman's store under a content tag).
 */
public final class Podman {
    private Podman() {}

    public static final String CONF = String.join("\n",
            "[containers]",
            "default_ulimits = []",
            "[engine]",
            "runtime = \"runc\"",
            "cgroup_manager = \"cgroupfs\"",
            "");

    /** Skips (loudly) when podman is not installed; returns the environment every podman call needs. */
    public static Map<String, String> environment(Path dir) throws IOException {
        Assumptions.assumeTrue(Executables.find("podman").isPresent(),
                "SKIPPED: podman is not installed (apt-get install podman runc): the container ITs need a real podman");
        Path conf = dir.resolve("containers.conf");
        Files.writeString(conf, CONF);
        return Map.of("CONTAINERS_CONF", conf.toString());
    }

    /** The test image's name (the example's script also tags it {@code :1}, harmlessly). */
    static final String TEST_IMAGE = "localhost/crflow-test";

    /** The test image's reference, building it on first use with the container example's script (see the pom). */
    public static String testImage(Map<String, String> env) throws IOException {
        Path script = resource("container/build-image.sh");
        CommandResult r = CommandRunner.system().run(List.of("bash", script.toString(), TEST_IMAGE), env, Duration.ofMinutes(5));
        if (!r.ok()) throw new IOException("building the test image failed (" + r.exitCode() + "): " + r.stderr());
        return r.stdout().trim();
    }

    public static Path resource(String name) {
        try {
            return Path.of(Podman.class.getClassLoader().getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    public static boolean dmtcpPresent() {
        return Files.isExecutable(Path.of("/opt/dmtcp/bin/dmtcp_launch")) && Files.isExecutable(Path.of("/opt/dmtcp/bin/dmtcp_command"));
    }
}
