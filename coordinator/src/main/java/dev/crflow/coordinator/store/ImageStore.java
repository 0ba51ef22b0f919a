package dev.crflow.coordinator.store;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The step's numbered image generations, {@code <ctl>/images/gen-NNNNNN/}.
 *
 * <p>Commit protocol (a crash at any point leaves the previous generations untouched and valid):
 * files are written into {@code images/.partial-*}, each fsync'd; {@code MANIFEST.json} is written to a
 * temporary name, fsync'd and renamed inside the partial directory; the partial directory is fsync'd and
 * renamed to {@code gen-NNNNNN}; {@code images/} is fsync'd. Only then are old generations pruned.
 *
 * <p>A committed generation may later be stored packed (zstd files, or chunks shared by generations in
 * {@code images/chunks/}) by the {@link Packer}; a manifest lists each file with its plain size and checksum either way,
 * and {@link #verify} checks whichever form the manifest says is on disk.
 */
public final class ImageStore {
    private static final Pattern GEN = Pattern.compile("gen-(\\d{6,})");
    public static final String PARTIAL_PREFIX = ".partial-";
    /** Test hook: milliseconds to pause after the manifest is written and before the rename (fault injection). */
    public static final String COMMIT_PAUSE_ENV = "CRFLOW_TEST_COMMIT_PAUSE_MS";

    private final Path dir;

    private ImageStore(Path dir) { this.dir = dir; }

    /** The store of control directory {@code ctl} (read-only until something is written). */
    public static ImageStore open(Path ctl) { return new ImageStore(ControlDir.of(ctl).images()); }

    public static ImageStore atDirectory(Path imagesDir) { return new ImageStore(imagesDir.toAbsolutePath()); }

    public Path directory() { return dir; }

    /** Every generation directory, oldest first; {@code valid} is a cheap check (manifest + sizes), see {@link #verify}. */
    public List<Generation> list() throws IOException {
        List<Generation> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = GEN.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                out.add(describe(Integer.parseInt(m.group(1)), p));
            }
        }
        out.sort(Comparator.comparingInt(Generation::number));
        return Chains.checked(out);
    }

    /** Whether generation {@code g} is part of an incremental chain ({@link Manifest#partOfChain}): its files stay as written. */
    public boolean partOfChain(Generation g) {
        return readManifest(g.path()).map(Manifest::partOfChain).orElse(false);
    }

    /** The generations {@code g} reads through, nearest parent first (empty for a self-contained one). */
    public List<Integer> ancestors(Generation g) throws IOException {
        return Chains.ancestors(this, g);
    }

    public Optional<Generation> get(int number) throws IOException {
        return list().stream().filter(g -> g.number() == number).findFirst();
    }

    private Generation describe(int number, Path p) {
        Optional<Manifest> manifest = readManifest(p);
        if (manifest.isPresent()) {
            Manifest m = manifest.get();
            boolean sizesMatch = true;
            // a hand-made manifest may list no files: nothing to compare (verify() still refuses it)
            for (Manifest.FileEntry f : m.files() == null ? List.<Manifest.FileEntry>of() : m.files()) {
                if (!f.isPlain()) {
                    if (PackedFiles.quickProblem(p, f, new ChunkStore(dir)).isPresent()) sizesMatch = false;
                    continue;
                }
                Path file = p.resolve(f.path());
                try {
                    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != f.bytes()) sizesMatch = false;
                } catch (IOException e) {
                    sizesMatch = false;
                }
            }
            return new Generation(number, p, sizesMatch, m.totalBytes(), m.created() != null ? m.created() : modified(p.resolve(Manifest.FILE_NAME)));
        }
        long bytes = DiskUsage.bytes(p); // an unreadable, invalid generation: its size is what we could count
        return new Generation(number, p, false, bytes, modified(p));
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    public static Optional<Manifest> readManifest(Path generationDir) {
        try {
            return Optional.of(SpecReader.mapper().readValue(generationDir.resolve(Manifest.FILE_NAME).toFile(), Manifest.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The one definition of a valid generation, used for the restore, {@code images --verify} and
     * {@code crflow restart --generation N}: it exists, its manifest is readable and every file it lists is present with
     * its recorded size and checksum ({@link #verify}). Empty when generation {@code number} is valid; else why not.
     */
    public Optional<String> invalidBecause(int number) throws IOException {
        Optional<Generation> g = get(number);
        if (g.isEmpty()) return Optional.of("generation " + number + " does not exist");
        Verification v = verify(g.get());
        return v.ok() ? Optional.empty() : Optional.of(v.problem());
    }

    /** The result of checking every file of a generation against its manifest. */
    public record Verification(Generation generation, boolean ok, String problem, Optional<Manifest> manifest) {}

    /** Every file of {@code g} against its manifest (and, for an incremental one, its parents): {@link GenerationCheck}. */
    public Verification verify(Generation g) { return new GenerationCheck(this).verify(g); }

    /** Removes generations being written by a coordinator that died; they never became generations. */
    public List<Path> removePartials() throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) return removed;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PARTIAL_PREFIX + "*")) {
            for (Path p : ds) {
                SafeFiles.deleteTree(p);
                removed.add(p);
            }
        }
        return removed;
    }

    /** Starts a new generation in {@code images/.partial-<tag>-<random>}. */
    public Pending begin(String tag) throws IOException {
        SafeFiles.ensureDir(dir);
        Path p = dir.resolve(PARTIAL_PREFIX + tag + "-" + UUID.randomUUID().toString().substring(0, 8));
        SafeFiles.ensureDir(p);
        return new Pending(p);
    }

    /** Starts a new generation in a fixed directory name (emptied first), for engines that write by path. */
    public Pending beginNamed(String name) throws IOException {
        if (!name.startsWith(PARTIAL_PREFIX)) throw new IllegalArgumentException("partial names start with " + PARTIAL_PREFIX);
        SafeFiles.ensureDir(dir);
        Path p = dir.resolve(name);
        SafeFiles.deleteTree(p);
        SafeFiles.ensureDir(p);
        return new Pending(p);
    }

    /** Next number: one past every generation directory present, valid or not, so numbers never repeat. */
    int nextNumber() throws IOException {
        return list().stream().mapToInt(Generation::number).max().orElse(0) + 1;
    }

    /**
     * Keeps the newest {@code keep} valid generations, and every generation they read through (an incremental chain is
     * pruned as a whole: never a parent a kept generation still needs), and deletes every other generation older than
     * the oldest of the newest {@code keep}. Called only after a commit succeeded, so the newest good generation is
     * never at risk.
     */
    public List<Integer> prune(int keep) throws IOException {
        List<Generation> all = list();
        List<Generation> valid = all.stream().filter(Generation::valid).toList();
        List<Integer> removed = new ArrayList<>();
        if (valid.size() <= keep) return removed;
        List<Generation> newest = valid.subList(valid.size() - keep, valid.size());
        int oldestKept = newest.get(0).number();
        Set<Integer> needed = new java.util.HashSet<>();
        for (Generation g : newest) needed.addAll(ancestors(g));
        for (Generation g : all) {
            if (g.number() < oldestKept && !needed.contains(g.number())) {
                // rename first so a crash mid-delete never leaves a half-deleted gen-NNNNNN that looks like a generation
                Path doomed = dir.resolve(PARTIAL_PREFIX + "pruned-" + g.path().getFileName());
                SafeFiles.renameDurably(g.path(), doomed);
                SafeFiles.deleteTree(doomed);
                removed.add(g.number());
            }
        }
        return removed;
    }

    /** What the manifest records about who wrote a generation. */
    public record Provenance(String engine, String engineVersion, String host, String jobId, int attempt,
                             String trigger, double appSeconds, Map<String, Object> engineData) {}

    /** A generation being written: files go in {@link #dir()}; {@link #commit} makes it a generation. */
    public final class Pending {
        private final Path partial;
        private final List<Manifest.FileEntry> copied = new ArrayList<>();
        private boolean done;
        private final Map<String, Long> timings = new java.util.LinkedHashMap<>();
        private boolean incremental;
        private Optional<Integer> parent = Optional.empty();

        Pending(Path partial) { this.partial = partial; }

        /**
         * Marks this generation as written for incremental checkpoints, reading through generation {@code parent} when
         * present (recorded in its manifest; validity and pruning follow the chain).
         */
        public void chain(Optional<Integer> parent) {
            this.incremental = true;
            this.parent = parent;
        }

        /** Milliseconds of the commit's phases (checksumAndSyncMs, manifestMs, renameMs), for the journal and benchmarks. */
        public Map<String, Long> timings() { return Map.copyOf(timings); }

        public Path dir() { return partial; }

        /**
         * Copies {@code source} (a file or a directory tree) to {@code relative} inside the generation,
         * checksumming while copying (one pass), files 0600 and directories 0700.
         */
        public long copyIn(Path source, String relative) throws IOException {
            Path target = partial.resolve(relative).normalize();
            if (!target.startsWith(partial)) throw new IOException("refusing to write outside the generation: " + relative);
            if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                long total = 0;
                SafeFiles.ensureDir(target);
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        if (p.equals(source)) continue;
                        Path rel = source.relativize(p);
                        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                            SafeFiles.ensureDir(target.resolve(rel.toString()));
                        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                            total += copyFile(p, target.resolve(rel.toString()));
                        }
                    }
                }
                return total;
            }
            SafeFiles.ensureDir(target.getParent());
            return copyFile(source, target);
        }

        private long copyFile(Path src, Path dst) throws IOException {
            CRC32C crc = new CRC32C();
            long bytes = 0;
            try (PackIo io = PackIo.acquire(); // pooled: a direct buffer per file would wait for a GC to be freed
                 FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(dst, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                         PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS))) {
                ByteBuffer buf = io.in;
                while (in.read(buf) >= 0) {
                    buf.flip();
                    crc.update(buf.duplicate());
                    while (buf.hasRemaining()) bytes += out.write(buf);
                    buf.clear();
                }
                out.force(true);
            }
            copied.add(new Manifest.FileEntry(partial.relativize(dst).toString(), bytes, Checksums.format(crc.getValue())));
            return bytes;
        }

        /** Checksums and fsyncs whatever the engine wrote here itself, writes the manifest, renames into place. */
        public Generation commit(Provenance who) throws IOException {
            if (done) throw new IllegalStateException("already committed or abandoned");
            long t0 = System.nanoTime();
            List<Manifest.FileEntry> files = new ArrayList<>(copied);
            Set<String> known = new java.util.HashSet<>();
            for (Manifest.FileEntry f : copied) known.add(f.path());
            List<Path> dirs = new ArrayList<>();
            List<Path> inPlace = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(partial)) {
                for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        SafeFiles.makePrivate(p);
                        dirs.add(p);
                        continue;
                    }
                    String rel = partial.relativize(p).toString();
                    if (known.contains(rel) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
                    inPlace.add(p);
                }
            }
            // written by the engine inside the store: no copy; checksum + fsync in place, one file per core
            files.addAll(Checksums.checksumAndSync(partial, inPlace));
            long t1 = System.nanoTime();
            timings.put("checksumAndSyncMs", (t1 - t0) / 1_000_000);
            files.sort(Comparator.comparing(Manifest.FileEntry::path));
            long total = files.stream().mapToLong(Manifest.FileEntry::bytes).sum();
            int number = nextNumber();
            Manifest m = new Manifest(Manifest.FORMAT, number, who.engine(), who.engineVersion(), who.host(), who.jobId(),
                    who.attempt(), who.trigger(), Instant.now(), who.appSeconds(), Checksums.ALGORITHM, total, files,
                    who.engineData() == null ? Map.of() : who.engineData(), System.getProperty("os.version"), parent, incremental);
            SafeFiles.writeAtomically(partial.resolve(Manifest.FILE_NAME),
                    SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            for (Path d : dirs) SafeFiles.fsyncDir(d);
            long t2 = System.nanoTime();
            timings.put("manifestMs", (t2 - t1) / 1_000_000);
            pauseForFaultInjection();
            Path target = dir.resolve(String.format("gen-%06d", number));
            long t3 = System.nanoTime();
            SafeFiles.renameDurably(partial, target);
            timings.put("renameMs", (System.nanoTime() - t3) / 1_000_000);
            done = true;
            return new Generation(number, target, true, total, m.created());
        }

        /** Discards the partial generation (a failed checkpoint); the committed ones are untouched. */
        public void abandon() { abandon(true); }

        /**
         * @param delete false when an engine may still be writing by path into the directory (a timed-out DMTCP
         *               checkpoint): deleting it under DMTCP would crash the application; the next checkpoint or
         *               the next start clears it.
         */
        public void abandon(boolean delete) {
            done = true;
            if (!delete) return;
            try {
                SafeFiles.deleteTree(partial);
            } catch (IOException ignored) {
                // the next start removes every .partial-* anyway
            }
        }
    }

    private static void pauseForFaultInjection() {
        String ms = System.getenv(COMMIT_PAUSE_ENV);
        if (ms == null) return;
        try {
            Thread.sleep(Long.parseLong(ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NumberFormatException ignored) {
            // not a number: no pause
        }
    }

}
