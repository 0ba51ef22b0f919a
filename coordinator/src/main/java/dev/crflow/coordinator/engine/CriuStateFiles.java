package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.SafeFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The step's {@code state} files under CRIU: files the application appends to or rewrites are not in CRIU's image,
 * so a restore from generation N would find them as they are now, not as they were at N (lines written since N
 * written twice). They are copied into the generation by CRIU's {@code post-dump} action script — which CRIU runs
 * while it still holds the whole tree frozen, for periodic ({@code --leave-running}) and final dumps alike — and
 * put back before {@code criu restore}. Declared entries that did not exist at N are removed on restore.
 *
 * <p>The script is fixed text (0700, in the control directory, executed by CRIU directly); the names reach it only
 * through a list file and environment variables, never as shell text. When it fails, CRIU fails the dump and
 * leaves the tree running: the checkpoint fails, the previous generation stays the last good one.
 */
final class CriuStateFiles {
    static final String STATE_DIR = StateFiles.DIR;

    static final String SCRIPT = String.join("\n",
            "#!/bin/sh",
            "# crflow: copies the step's state files into the generation while CRIU holds the tree frozen",
            "[ \"$CRTOOLS_SCRIPT_ACTION\" = post-dump ] || exit 0",
            "[ -n \"$CRFLOW_STATE_LIST\" ] || exit 0",
            "umask 077",
            "cd \"$CRFLOW_STATE_WORKDIR\" || exit 1",
            "mkdir -p \"$CRFLOW_STATE_DEST\" || exit 1",
            "while IFS= read -r f; do",
            "  [ -e \"$f\" ] || [ -L \"$f\" ] || continue",
            "  cp -R --parents -- \"$f\" \"$CRFLOW_STATE_DEST/\" || exit 1",
            "done < \"$CRFLOW_STATE_LIST\"",
            "");

    private final List<String> state;

    CriuStateFiles(List<String> state) {
        this.state = List.copyOf(state);
    }

    boolean any() { return !state.isEmpty(); }

    /** Refuses entries outside the workdir, and names a line-based list cannot carry. */
    void check() throws EngineException {
        for (String s : state) {
            Path p = Path.of(s);
            if (s.isBlank() || s.contains("\n") || s.contains("\r") || p.isAbsolute() || p.normalize().startsWith("..")) {
                throw new EngineException("engine 'criu': state '" + s + "' must be a relative path inside the workdir (one line)");
            }
        }
    }

    /** Writes the action script and the list into the control directory; the arguments and environment for criu dump. */
    Map<String, String> prepare(Path ctl, Path workdir, Path generationDir, List<String> dumpArgs) throws IOException {
        Path script = ctl.resolve("criu-post-dump.sh");
        Path list = ctl.resolve("criu-state.list");
        SafeFiles.writeAtomically(script, SCRIPT);
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        SafeFiles.writeAtomically(list, String.join("\n", state.stream().map(s -> Path.of(s).normalize().toString()).toList()) + "\n");
        dumpArgs.addAll(List.of("--action-script", script.toString()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CRFLOW_STATE_LIST", list.toString());
        env.put("CRFLOW_STATE_WORKDIR", workdir.toString());
        env.put("CRFLOW_STATE_DEST", generationDir.resolve(STATE_DIR).toString());
        return env;
    }

    /**
     * Which declared entries the dump saved and which did not exist, and each saved file's mode in the workdir (engine
     * data for the manifest). The copies in the store are private; CRIU refuses to reopen a file whose mode differs
     * from the dump ("has bad mode"), so the put-back file gets its recorded mode.
     */
    void record(Path generationDir, Path workdir, Map<String, Object> data) throws IOException {
        List<String> saved = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String s : state) {
            Path p = generationDir.resolve(STATE_DIR).resolve(Path.of(s).normalize().toString());
            (Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? saved : missing).add(s);
        }
        Map<String, String> modes = new TreeMap<>();
        Path root = generationDir.resolve(STATE_DIR);
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : (Iterable<Path>) walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))::iterator) {
                    String rel = root.relativize(f).toString();
                    Path live = workdir.resolve(rel);
                    if (Files.isRegularFile(live, LinkOption.NOFOLLOW_LINKS)) {
                        modes.put(rel, PosixFilePermissions.toString(Files.getPosixFilePermissions(live, LinkOption.NOFOLLOW_LINKS)));
                    }
                }
            }
        }
        data.put("state", saved);
        data.put("stateMissing", missing);
        data.put("stateModes", modes);
    }

    /** Puts generation N's files back (each by temp file + rename, with its recorded mode); removes those absent at N. */
    static void restore(Path generation, Path workdir, Map<String, Object> engineData) throws IOException {
        Path root = generation.resolve(STATE_DIR);
        Map<?, ?> modes = engineData.get("stateModes") instanceof Map<?, ?> m ? m : Map.of();
        if (Files.isDirectory(root)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList();
            }
            for (Path saved : files) {
                String rel = root.relativize(saved).toString();
                Path target = workdir.resolve(rel).normalize();
                if (!target.startsWith(workdir)) throw new IOException("saved state escapes the workdir: " + rel);
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling("." + target.getFileName() + ".crflow-restore-" + UUID.randomUUID().toString().substring(0, 8));
                Files.copy(saved, tmp, StandardCopyOption.REPLACE_EXISTING);
                Object mode = modes.get(rel);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode == null ? "rw-------" : mode.toString()));
                SafeFiles.fsyncFile(tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (engineData.get("stateMissing") instanceof List<?> missing) {
            for (Object o : missing) {
                Path p = workdir.resolve(o.toString()).normalize();
                if (p.startsWith(workdir) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) Files.delete(p);
            }
        }
    }
}
