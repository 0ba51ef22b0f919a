package dev.crflow.coordinator.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where DMTCP is installed on this machine: DMTCP is never packaged, so sites put it in different places. */
public final class DmtcpInstall {
    private DmtcpInstall() {}

    /** The directory holding dmtcp_launch: $DMTCP_HOME/bin, then PATH, then /opt/dmtcp/bin. */
    public static Optional<Path> locate(Map<String, String> env) {
        return locate(env, List.of(Path.of("/opt/dmtcp/bin")));
    }

    public static Optional<Path> locate(Map<String, String> env, List<Path> fallbacks) {
        List<Path> candidates = new ArrayList<>();
        String home = env.get("DMTCP_HOME");
        if (home != null && !home.isBlank()) candidates.add(Path.of(home, "bin"));
        String path = env.getOrDefault("PATH", "");
        for (String p : path.split(":")) if (!p.isBlank()) candidates.add(Path.of(p));
        candidates.addAll(fallbacks);
        for (Path c : candidates) {
            if (Files.isExecutable(c.resolve("dmtcp_launch")) && Files.isExecutable(c.resolve("dmtcp_coordinator"))
                    && Files.isExecutable(c.resolve("dmtcp_command")) && Files.isExecutable(c.resolve("dmtcp_restart"))) {
                return Optional.of(c.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
