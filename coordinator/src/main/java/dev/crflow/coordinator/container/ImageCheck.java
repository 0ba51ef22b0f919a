package dev.crflow.coordinator.container;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers "does this image have what the engine needs?" by running the shim's {@code check} verb inside the
 * image with the real runtime: the same binds as a step (the user's mounts, e.g. a bind-mounted DMTCP), the
 * same shim. Nothing is pulled: a podman image must already be in the local store.
 */
public final class ImageCheck {

    public enum Verdict {
        /** The image has everything the engine needs. */
        OK,
        /** The runtime name or the image reference is wrong. */
        INVALID,
        /** The runtime is not installed, the image is not present, or the image lacks a tool the engine needs. */
        MISSING,
        /** The runtime failed for another reason (its message is in {@link Report#message}). */
        ERROR
    }

    /**
     * @param facts   the shim's key=value report ({@code bash}, {@code dmtcp_launch}, {@code dmtcp.version}, …)
     * @param missing tools the engine needs that the image lacks
     * @param command the exact command that ran (empty when nothing could run)
     */
    public record Report(String runtime, String image, String engine, Verdict verdict, String message,
                         Map<String, String> facts, List<String> missing, List<String> command) {}

    private final CommandRunner runner;
    private final String pathVariable;
    private final Duration timeout;

    public ImageCheck(CommandRunner runner, String pathVariable, Duration timeout) {
        this.runner = runner;
        this.pathVariable = pathVariable;
        this.timeout = timeout;
    }

    public Report check(String runtime, String image, String engine, List<String> mounts, List<String> modules) {
        String eng = engine == null ? "none" : engine.toLowerCase(java.util.Locale.ROOT);
        List<ContainerProblem> problems = ContainerPreflight.check(runtime, image, mounts, pathVariable, true);
        if (!problems.isEmpty()) {
            ContainerProblem first = problems.stream().filter(p -> !p.kind().environment()).findFirst().orElse(problems.get(0));
            return new Report(runtime, image, eng, first.kind().environment() || first.kind() == ContainerProblem.Kind.IMAGE_FILE_MISSING
                    ? Verdict.MISSING : Verdict.INVALID, first.message(), Map.of(), List.of(), List.of());
        }
        RuntimeKind kind = RuntimeKind.parse(runtime).orElseThrow();
        ContainerRuntime rt = ContainerRuntime.of(kind);
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("crflow-container-check", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (kind == RuntimeKind.PODMAN || kind == RuntimeKind.PODMAN_HPC) {
                CommandResult exists = runner.run(List.of(kind.command(), "image", "exists", image), Map.of(), timeout);
                if (exists.exitCode() == 1) {
                    return new Report(runtime, image, eng, Verdict.MISSING, "image '" + image + "' is not in " + kind.command()
                            + "'s local store; " + (kind == RuntimeKind.PODMAN_HPC ? "run podman-hpc pull " + image : "pull it (podman pull " + image
                            + ") or build/import it (podman import rootfs.tar " + image + ")") + ", then check again", Map.of(), List.of(), List.of());
                }
            }
            Path shimDir = Shim.install(tmp.resolve("shim"));
            Path work = tmp.resolve("work");
            Files.createDirectories(work);
            ContainerLaunch launch = new ContainerLaunch(kind, ImageReference.parse(kind, image), Optional.empty(), work.toString(),
                    List.of(work.toString()), binds(shimDir, mounts), Map.of(), List.of(), modules, false, ContainerPlan.rootless());
            List<String> command = rt.probe(launch, Shim.check(eng));
            CommandResult r = runner.run(command, rt.runtimeEnvironment(launch), timeout);
            Map<String, String> facts = parseFacts(r.stdout());
            List<String> missing = facts.getOrDefault("missing", "").isBlank() ? List.of()
                    : Arrays.asList(facts.get("missing").trim().split("\\s+"));
            if (r.timedOut()) {
                return new Report(runtime, image, eng, Verdict.ERROR, kind.command() + " did not answer within " + timeout.toSeconds() + " s", facts, missing, command);
            }
            if (r.exitCode() == 0 && "yes".equals(facts.get("ok"))) {
                return new Report(runtime, image, eng, Verdict.OK, "image '" + image + "' has what engine '" + eng + "' needs", facts, missing, command);
            }
            if (r.exitCode() == Shim.EXIT_MISSING_TOOL && facts.containsKey("ok")) {
                return new Report(runtime, image, eng, Verdict.MISSING, "image '" + image + "' lacks " + String.join(", ", missing)
                        + " for engine '" + eng + "'; " + advice(eng, missing), facts, missing, command);
            }
            return new Report(runtime, image, eng, Verdict.ERROR, kind.command() + " could not run the image (exit " + r.exitCode() + "): "
                    + firstLines(r.stderr().isBlank() ? r.stdout() : r.stderr()), facts, missing, command);
        } catch (IOException e) {
            return new Report(runtime, image, eng, Verdict.ERROR, "could not run " + kind.command() + ": " + e.getMessage(), Map.of(), List.of(), List.of());
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    private static List<Bind> binds(Path shimDir, List<String> mounts) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(shimDir.toString(), Shim.DIR_IN_CONTAINER, true));
        for (String m : mounts) binds.add(Bind.parse(m));
        return binds;
    }

    static Map<String, String> parseFacts(String out) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) facts.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return facts;
    }

    private static String advice(String engine, List<String> missing) {
        if (missing.stream().anyMatch(m -> m.startsWith("dmtcp_"))) {
            return "DMTCP must be inside the image (the NERSC images build it in: FROM app, then DMTCP's configure && make install) "
                    + "or bind-mounted from a build for the same libc (mounts ['/opt/dmtcp:/opt/dmtcp:ro'])";
        }
        if (missing.contains("bash")) return "the step's command runs with bash: use an image that has /bin/bash";
        if (missing.contains("criu")) return "engine 'criu' inside a container is not supported; use 'dmtcp' or 'signal'";
        return "install them in the image";
    }

    private static String firstLines(String s) {
        String[] lines = s.strip().split("\n");
        return String.join(" / ", Arrays.asList(lines).subList(0, Math.min(3, lines.length)));
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    p.toFile().setWritable(true);
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temp directory; best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
