package dev.crflow.coordinator.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Looks a command up on a PATH, as a shell would. */
public final class Executables {
    private Executables() {}

    public static Optional<Path> find(String command, String pathVariable) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        if (pathVariable == null) return Optional.empty();
        for (String dir : pathVariable.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    public static Optional<Path> find(String command) { return find(command, System.getenv("PATH")); }
}
