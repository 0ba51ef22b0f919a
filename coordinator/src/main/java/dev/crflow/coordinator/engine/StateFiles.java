package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.store.ImageStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The step's declared {@code state} files and directories (relative to the workdir), kept with a generation so
 * that a process restarted from generation N sees them exactly as they were at N: entries saved at N are put back,
 * entries that did not exist at N are removed (and so are files inside a declared directory that N did not have).
 * Without the removal, a file the application wrote after N (its "next number" file, say) would survive the restore
 * and the restarted application would skip or repeat work.
 *
 * <p>The same holds for a relaunch from scratch: the first launch of a step records a <em>baseline</em> (what the
 * declared entries were before the application ever ran, usually nothing) in the control directory, and every later
 * from-scratch launch (a retry before any checkpoint) puts the workdir back to it. Otherwise a retried application
 * would append to the output its failed attempt left behind.
 */
public final class StateFiles {
    /** Where the entries live inside a generation (and inside the baseline). */
    public static final String DIR = "state";
    /** The first from-scratch launch's copy of the declared entries, in the control directory. */
    public static final String BASELINE = "state-baseline";

    private final List<String> declared;

    public StateFiles(List<String> declared) {
        this.declared = List.copyOf(declared);
    }

    public List<String> declared() { return declared; }

    public boolean isEmpty() { return declared.isEmpty(); }

    /** Fails when an entry is absolute or leaves the workdir. */
    public void validate(String engine) throws EngineException {
        for (String s : declared) {
            Path p = Path.of(s);
            if (p.isAbsolute() || p.normalize().startsWith("..")) {
                throw new EngineException("engine '" + engine + "': state '" + s + "' must be relative to the workdir and stay inside it");
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

    /** Copies every present entry into the generation being written, under {@link #DIR}. */
    public List<String> copyInto(ImageStore.Pending target, Path workdir) throws IOException {
        List<String> saved = new ArrayList<>();
        for (String s : present(workdir)) {
            target.copyIn(workdir.resolve(s).normalize(), DIR + "/" + Path.of(s).normalize());
            saved.add(s);
        }
        return saved;
    }

    /**
     * Puts the workdir's declared entries back to {@code generation}'s copy (see the class comment). Only entries
     * that were declared when the generation was written ({@code declaredThen}: its saved and missing entries, from
     * the manifest) are removed when absent from it: an entry declared since then was never part of that state.
     */
    public static void restoreFrom(Path generation, Path workdir, List<String> declaredThen) throws IOException {
        new StateFiles(declaredThen).restore(generation.resolve(DIR), workdir);
    }

    /** The entries declared when a generation was written, from its manifest's engine data ({@code state} + {@code missing}). */
    public static List<String> declaredAt(java.util.Map<String, Object> engineData) {
        List<String> then = new ArrayList<>();
        for (String key : List.of("state", "missing")) {
            if (engineData != null && engineData.get(key) instanceof List<?> l) l.forEach(e -> then.add(String.valueOf(e)));
        }
        return then;
    }

    /**
     * Before a launch from scratch: the first one records the baseline, later ones restore it. The baseline is
     * written under a temporary name and renamed, so a crash leaves either no baseline or a whole one.
     */
    public void baseline(ControlDir ctl, Path workdir) throws IOException {
        if (declared.isEmpty()) return;
        Path baseline = ctl.root().resolve(BASELINE);
        if (Files.isDirectory(baseline)) {
            restore(baseline.resolve(DIR), workdir);
            return;
        }
        Path partial = ctl.root().resolve("." + BASELINE + "-" + UUID.randomUUID().toString().substring(0, 8));
        SafeFiles.ensureDir(partial.resolve(DIR));
        for (String s : present(workdir)) {
            copyTree(workdir.resolve(s).normalize(), partial.resolve(DIR).resolve(Path.of(s).normalize().toString()));
        }
        SafeFiles.renameDurably(partial, baseline);
    }

    private void restore(Path savedRoot, Path workdir) throws IOException {
        Set<Path> restored = new HashSet<>();
        if (Files.isDirectory(savedRoot)) {
            List<Path> entries = new ArrayList<>();
            try (var walk = Files.walk(savedRoot, 64)) {
                walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(entries::add);
            }
            for (Path saved : entries) {
                Path rel = savedRoot.relativize(saved);
                Path target = inside(workdir, rel.toString());
                Files.createDirectories(target.getParent());
                // replaced by rename: a crash leaves the old or the restored copy, never half of one
                Path tmp = target.resolveSibling("." + target.getFileName() + ".crflow-restore-" + UUID.randomUUID().toString().substring(0, 8));
                Files.copy(saved, tmp, StandardCopyOption.REPLACE_EXISTING);
                SafeFiles.makePrivate(tmp);
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
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(entry, 64)) {
            walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
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
