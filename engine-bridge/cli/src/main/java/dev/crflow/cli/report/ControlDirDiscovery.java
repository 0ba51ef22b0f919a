package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Source;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Finds step control directories below a root: every directory holding a {@code journal.jsonl} (or, for a
 * crflow step submitted but not yet started, a {@code job.json}). This one rule covers {@code crflow run}
 * ({@code <workdir>/.crflow/steps/<step>/}) and the Nextflow and Snakemake bridges, which use their own
 * roots with the same per-step layout. Symbolic links are not followed (but a root that is one is searched where
 * it points: a run's {@code steps} linked to the settings' controlRoot); a control directory's own
 * sub-directories (images, requests) are not searched.
 */
public final class ControlDirDiscovery {
    static final int MAX_DEPTH = 12;
    /** Large trees that never hold control directories of ours. */
    private static final Set<String> SKIP = Set.of(".git", "node_modules", "conda", ".snakemake-conda", "target");

    private ControlDirDiscovery() {}

    public static List<Source> discover(Path root) throws IOException {
        Path given = root.toAbsolutePath().normalize();
        // a run's steps/ may be a link to the settings' controlRoot: search where it points
        Path base = Files.isSymbolicLink(given) ? given.toRealPath() : given;
        List<Source> found = new ArrayList<>();
        Files.walkFileTree(base, Set.of(), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(base) && SKIP.contains(dir.getFileName().toString())) return FileVisitResult.SKIP_SUBTREE;
                if (Files.isRegularFile(dir.resolve("journal.jsonl")) || Files.isRegularFile(dir.resolve("job.json"))) {
                    found.add(new Source(nameOf(base, dir), dir));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE; // unreadable corners of a shared root are not our business
            }
        });
        found.sort(Comparator.comparing(Source::name));
        return found;
    }

    /**
     * The step's display name: its path below the root ("align", "work/ab/12cd…"); the directory's own name
     * when the root is the control directory. A {@code spec.json} name, when present, wins (see {@link RunReport}).
     */
    static String nameOf(Path base, Path dir) {
        if (dir.equals(base)) return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        return base.relativize(dir).toString().replace('\\', '/');
    }
}
