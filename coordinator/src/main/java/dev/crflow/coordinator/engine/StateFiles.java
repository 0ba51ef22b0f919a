package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.store.ImageStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The step's declared {@code state} files and directories (relative to the workdir), for every engine that keeps them:
 * kept with a generation so that a process restarted from generation N sees them exactly as they were at N. Entries
 * saved at N are put back (temp file + rename, with the mode they had: CRIU refuses to reopen a file whose mode changed,
 * "has bad mode"), entries declared at N that did not exist then are removed, and so are files inside a declared
 * directory that N did not have. Without the removal, a file the application wrote after N (its "next number" file,
 * say) would survive the restore and the restarted application would skip or repeat work; without the put-back, lines
 * an application appended after N would be appended again.
 *
 * <p>When the copy is taken is the engine's business, and it must be a moment the application cannot write: the signal
 * engine copies after the application saved and exited; CRIU copies from its {@code post-dump} action script
 * ({@link #prepareFrozenCopy}) while it holds the tree frozen; DMTCP copies after a checkpoint-and-kill.
 *
 * <p>A relaunch from scratch goes back to a <em>baseline</em>: the first launch of a step records what the declared
 * entries were before the application ever ran (usually nothing) in {@code <ctl>/state-baseline}, and every later
 * from-scratch launch (a retry before any checkpoint) puts the workdir back to it. Otherwise a retried application would
 * append to the output its failed attempt left behind.
 *
 * <p>Manifest engine data: {@code state} (entries saved), {@code missing} (entries declared but absent), {@code stateModes}
 * (each saved file's mode). Generations written by the CRIU engine before this class served every engine spell
 * {@code missing} as {@code stateMissing}; both are read.
 */
public final class StateFiles {
    /** Where the entries live inside a generation (and inside the baseline). */
    public static final String DIR = "state";
    /** The first from-scratch launch's copy of the declared entries, in the control directory. */
    public static final String BASELINE = "state-baseline";

    /** CRIU's action script: fixed text; the names reach it only through a list file and environment variables. */
    static final String FROZEN_COPY_SCRIPT = String.join("\n",
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

    private final List<String> declared;

    public StateFiles(List<String> declared) {
        this.declared = List.copyOf(declared);
    }

    public List<String> declared() { return declared; }

    public boolean isEmpty() { return declared.isEmpty(); }

    /** Fails when an entry is blank, absolute, leaves the workdir, or spans lines (CRIU's list file is line-based). */
    public void validate(String engine) throws EngineException {
        for (String s : declared) {
            Path p = Path.of(s);
            if (s.isBlank() || s.contains("\n") || s.contains("\r") || p.isAbsolute() || p.normalize().startsWith("..")) {
                throw new EngineException("engine '" + engine + "': state '" + s.replace("\n", "\\n")
                        + "' must be a relative path inside the workdir (one line)");
            }
        }
    }

    /** The declared entries that exist in {@code workdir} now. */
    public List<String> present(Path workdir) {
        List<String> present = new ArrayList<>();
        for (String s : declared) {
            if (Files.exists(workdir.resolve(s).normalize(), LinkOption.NOFOLLOW_LINKS)) present.add(s);
        }
        return present;
    }

    /**
     * Copies every present entry into the generation being written, under {@link #DIR}; the caller guarantees the
     * application cannot write meanwhile. Returns the engine data that {@link #restore} reads.
     */
    public Map<String, Object> snapshot(ImageStore.Pending target, Path workdir) throws IOException {
        for (String s : present(workdir)) {
            target.copyIn(workdir.resolve(s).normalize(), DIR + "/" + Path.of(s).normalize());
        }
        return record(target.dir(), workdir);
    }

    /**
     * Which declared entries the generation holds, which did not exist, and each saved file's mode in the workdir (the
     * copies in the store are private).
     */
    public Map<String, Object> record(Path generationDir, Path workdir) throws IOException {
        List<String> saved = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Path root = generationDir.resolve(DIR);
        for (String s : declared) {
            (Files.exists(root.resolve(Path.of(s).normalize().toString()), LinkOption.NOFOLLOW_LINKS) ? saved : missing).add(s);
        }
        Map<String, String> modes = new TreeMap<>();
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
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", saved);
        data.put("missing", missing);
        data.put("stateModes", modes);
        return data;
    }

    /**
     * For an engine that copies from a hook of its own while the tree is frozen (CRIU's {@code --action-script}):
     * writes the fixed script (0700) and the list of names into the control directory, adds the script to
     * {@code dumpArgs}, and returns the environment the hook needs. When the script fails, CRIU fails the dump.
     */
    public Map<String, String> prepareFrozenCopy(Path ctl, Path workdir, Path generationDir, List<String> dumpArgs) throws IOException {
        Path script = ctl.resolve("criu-post-dump.sh");
        Path list = ctl.resolve("criu-state.list");
        SafeFiles.writeAtomically(script, FROZEN_COPY_SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        SafeFiles.writeAtomically(list, String.join("\n", declared.stream().map(s -> Path.of(s).normalize().toString()).toList()) + "\n");
        dumpArgs.addAll(List.of("--action-script", script.toString()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CRFLOW_STATE_LIST", list.toString());
        env.put("CRFLOW_STATE_WORKDIR", workdir.toString());
        env.put("CRFLOW_STATE_DEST", generationDir.resolve(DIR).toString());
        return env;
    }

    /** Puts the workdir's declared entries back to {@code generation}'s copy, as its manifest's engine data describes it. */
    public static void restore(Path generation, Path workdir, Map<String, Object> engineData) throws IOException {
        Map<?, ?> modes = engineData != null && engineData.get("stateModes") instanceof Map<?, ?> m ? m : Map.of();
        new StateFiles(declaredAt(engineData)).putBack(generation.resolve(DIR), workdir, modes);
    }

    /**
     * Only entries that were declared when the generation was written ({@code declaredThen}) are removed when absent
     * from it: an entry declared since then was never part of that state.
     */
    public static void restoreFrom(Path generation, Path workdir, List<String> declaredThen) throws IOException {
        new StateFiles(declaredThen).putBack(generation.resolve(DIR), workdir, Map.of());
    }

    /** The entries declared when a generation was written: {@code state} + {@code missing} (or CRIU's older {@code stateMissing}). */
    public static List<String> declaredAt(Map<String, Object> engineData) {
        List<String> then = new ArrayList<>();
        for (String key : List.of("state", "missing", "stateMissing")) {
            if (engineData != null && engineData.get(key) instanceof List<?> l) l.forEach(e -> then.add(String.valueOf(e)));
        }
        return then;
    }

    /**
     * {@link #baseline} before an engine launches from scratch: a retry from scratch must not append to the failed
     * attempt's output. A failure is the engine's error, named for the user.
     */
    public void baselineForLaunch(EngineContext ctx) throws EngineException {
        try {
            baseline(ctx.ctl(), ctx.workdir());
        } catch (IOException e) {
            throw new EngineException("cannot record or restore the state files' baseline in " + ctx.ctl().root()
                    + " before a launch from scratch: " + e.getMessage(), e);
        }
    }

    /**
     * Before a launch from scratch: the first one records the baseline, later ones restore it. The baseline is
     * written under a temporary name and renamed, so a crash leaves either no baseline or a whole one.
     */
    public void baseline(ControlDir ctl, Path workdir) throws IOException {
        if (declared.isEmpty()) return;
        Path baseline = ctl.root().resolve(BASELINE);
        if (Files.isDirectory(baseline)) {
            putBack(baseline.resolve(DIR), workdir, Map.of());
            return;
        }
        Path partial = ctl.root().resolve("." + BASELINE + "-" + UUID.randomUUID().toString().substring(0, 8));
        SafeFiles.ensureDir(partial.resolve(DIR));
        for (String s : present(workdir)) {
            copyTree(workdir.resolve(s).normalize(), partial.resolve(DIR).resolve(Path.of(s).normalize().toString()));
        }
        SafeFiles.renameDurably(partial, baseline);
    }

    private void putBack(Path savedRoot, Path workdir, Map<?, ?> modes) throws IOException {
        Set<Path> restored = new HashSet<>();
        if (Files.isDirectory(savedRoot)) {
            List<Path> entries;
            try (Stream<Path> walk = Files.walk(savedRoot, 64)) {
                entries = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
            }
            for (Path saved : entries) {
                String rel = savedRoot.relativize(saved).toString();
                Path target = inside(workdir, rel);
                Files.createDirectories(target.getParent());
                // replaced by rename: a crash leaves the old or the restored copy, never half of one
                Path tmp = target.resolveSibling("." + target.getFileName() + ".crflow-restore-" + UUID.randomUUID().toString().substring(0, 8));
                Files.copy(saved, tmp, StandardCopyOption.REPLACE_EXISTING);
                Object mode = modes.get(rel);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode == null ? "rw-------" : mode.toString()));
                SafeFiles.fsyncFile(tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                restored.add(target);
            }
        }
        for (String s : declared) {
            removeExtra(inside(workdir, s), restored);
        }
    }

    /** Removes what the saved copy did not have: the whole entry, or the extra files inside a declared directory. */
    private static void removeExtra(Path entry, Set<Path> restored) throws IOException {
        if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            if (!restored.contains(entry)) Files.delete(entry);
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(entry, 64)) {
            files = walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (Path f : files) {
            if (!restored.contains(f)) Files.delete(f);
        }
    }

    private static Path inside(Path workdir, String rel) throws IOException {
        Path target = workdir.resolve(rel).normalize();
        if (!target.startsWith(workdir)) throw new IOException("state entry escapes the workdir: " + rel);
        return target;
    }

    private static void copyTree(Path src, Path dst) throws IOException {
        if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
            SafeFiles.ensureDir(dst);
            try (var list = Files.list(src)) {
                for (Path child : (Iterable<Path>) list::iterator) copyTree(child, dst.resolve(child.getFileName().toString()));
            }
        } else if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
            SafeFiles.ensureDir(dst.getParent());
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
            SafeFiles.makePrivate(dst);
            SafeFiles.fsyncFile(dst);
        }
    }
}
