package dev.crflow.coordinator.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Stores committed generations in less space: {@link #pack} stores a plain generation's files as zstd files or as
 * deduplicated chunks; {@link #unpack} gives a restart the plain files back (in a scratch directory).
 *
 * <p>Every step keeps the generation valid by {@link ImageStore#verify}, whatever is on disk when a crash stops it: the
 * new form is written beside the old one (temporary name, fsync, rename), read back and compared with the manifest's
 * checksums, and only then does an atomic manifest swap make it the generation's form; the old form is deleted last.
 * A crash before the swap leaves the old manifest and old files (plus leftovers {@link #tidy} removes); after it, the
 * new ones. Chunks are deleted only by {@link #sweep}, from the manifests on disk. Not thread-safe with itself: one
 * packer per store, its methods serialized.
 */
public final class Packer {
    /** Marks temporary files of an interrupted pack or materialization inside a generation directory. */
    static final String TEMP_MARK = ".crflow-tmp-";
    /** zstd level 1: ~0.5 GB/s per core here, and memory images still shrink several-fold. */
    static final int LEVEL = 1;
    /** In the images directory once a pack has ever started there: {@link #recover} has work only then. */
    static final String MARKER = ".packing-started";

    /** What the policy asks for ({@code compress}, {@code dedup}). */
    public record Settings(boolean compress, boolean dedup) {
        public boolean any() { return compress || dedup; }

        public static Settings off() { return new Settings(false, false); }
    }

    /** @param stored bytes the packed form takes (chunks shared with other generations included) */
    public record Packed(int generation, long plainBytes, long stored, long written) {}

    private final ImageStore store;
    private final ChunkStore chunks;
    private final Settings settings;
    private final int threads;
    private final BooleanSupplier stop;
    private boolean marked;

    public Packer(ImageStore store, Settings settings, BooleanSupplier stop) {
        this.store = store;
        this.chunks = new ChunkStore(store.directory());
        this.settings = settings;
        this.stop = stop;
        // the application runs meanwhile: besides the thread that reads and cuts, one chunk writer per two cores, at most
        // two (each holds a zstd context and two 128 KiB buffers: the memory of a pass is bounded by this count)
        this.threads = Math.min(2, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * At a coordinator's start, before anything packs: removes what an interrupted pack left (temporary files, the old
     * form of a generation whose manifest was swapped) and the chunks no generation lists any more. Failures are said,
     * not thrown: leftovers cost space, never validity.
     */
    public static void recover(ImageStore store, java.util.function.Consumer<String> say) {
        if (!everPacked(store)) return; // nothing to tidy: no manifest read, no generation walked
        try {
            Packer p = forRestore(store);
            p.tidy();
            long freed = p.sweep();
            if (freed > 0) say.accept("removed " + freed + " bytes of chunks no kept generation uses");
        } catch (IOException | RuntimeException e) {
            say.accept("could not tidy the image store: " + e.getMessage());
        }
    }

    /**
     * Whether a pack ever started in this store: the marker {@link #pack} makes durable before it writes anything, or
     * (stores packed before the marker existed) a chunk directory.
     */
    static boolean everPacked(ImageStore store) {
        Path d = store.directory();
        return Files.exists(d.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)
                || Files.isDirectory(d.resolve(ChunkStore.DIR_NAME), LinkOption.NOFOLLOW_LINKS);
    }

    /** Written durably (temporary file, fsync, rename, fsync of the directory) before the first pack of a store writes a byte. */
    private void markPacking() throws IOException {
        if (marked) return;
        Path marker = store.directory().resolve(MARKER);
        if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            SafeFiles.writeAtomically(marker, "packing started: Packer.recover tidies this store at every start\n");
        }
        marked = true;
    }

    /** Deletes the scratch copies {@link #unpack} left for a restart (also removed with every partial at a start). */
    public static void removeRestoreScratch(ImageStore store) {
        if (!Files.isDirectory(store.directory())) return;
        try (var ds = Files.newDirectoryStream(store.directory(), RESTORE_PREFIX + "*")) {
            for (Path p : ds) SafeFiles.deleteTree(p);
        } catch (IOException ignored) {
            // a partial: the next start removes it
        }
    }

    /** A packer that only restores and cleans up (unpack, tidy, sweep). */
    public static Packer forRestore(ImageStore store) { return new Packer(store, Settings.off(), () -> false); }

    private void checkStop() throws InterruptedIOException {
        if (stop.getAsBoolean() || Thread.currentThread().isInterrupted()) throw new InterruptedIOException("packing stopped");
    }

    /**
     * Packs a valid plain generation in the configured form.
     *
     * @return what was packed; empty when the generation is left as it is (already packed, must stay plain, settings off)
     * @throws IOException the generation could not be packed; it is still valid in its plain form
     */
    public synchronized Optional<Packed> pack(Generation g) throws IOException {
        if (!settings.any()) return Optional.empty();
        Manifest m = ImageStore.readManifest(g.path()).orElseThrow(() -> new IOException("generation " + g.number() + ": no manifest"));
        if (m.files() == null || m.files().isEmpty() || m.files().stream().anyMatch(f -> !f.isPlain())) return Optional.empty();
        if (!Checksums.ALGORITHM.equals(m.checksumAlgorithm())) return Optional.empty();
        if (Chains.mustStayPlain(g, store.list()).isPresent()) return Optional.empty();
        Set<String> listed = new HashSet<>();
        for (Manifest.FileEntry f : m.files()) listed.add(f.path());
        markPacking();
        List<Manifest.FileEntry> out = new ArrayList<>();
        long[] written = {0};
        for (Manifest.FileEntry f : m.files()) {
            checkStop();
            Path src = GenerationFiles.inside(g.path(), f.path());
            if (settings.dedup()) {
                out.add(chunkFile(src, f, written));
            } else {
                if (listed.contains(f.path() + ".zst")) return Optional.empty(); // the engine's own name: leave it plain
                out.add(compressFile(g.path(), src, f, written));
            }
        }
        chunks.syncDirectories();
        GenerationFiles.syncDirectories(g.path());
        checkStop();
        // the promise: the new form is installed only once it reads back exactly as the manifest says
        // one file after another: a thread per file would each hold a zstd context (a CRIU image has dozens of files, one
        // of them nearly all the bytes), and this runs in the background anyway
        for (Manifest.FileEntry f : out) {
            checkStop();
            PackedFiles.checkRoundTrip(g.path(), f, chunks);
        }
        checkStop();
        GenerationFiles.pauseForFaultInjection("written");
        GenerationFiles.writeManifestFiles(g.path(), out);
        GenerationFiles.pauseForFaultInjection("swapped");
        for (Manifest.FileEntry f : m.files()) Files.deleteIfExists(GenerationFiles.inside(g.path(), f.path()));
        GenerationFiles.syncDirectories(g.path());
        long stored = 0;
        for (Manifest.FileEntry f : out) stored += f.packed().orElseThrow().storedBytes();
        return Optional.of(new Packed(g.number(), m.totalBytes(), stored, written[0]));
    }

    private Manifest.FileEntry compressFile(Path genDir, Path src, Manifest.FileEntry f, long[] written) throws IOException {
        Path target = src.resolveSibling(src.getFileName() + ".zst");
        Path tmp = src.resolveSibling(src.getFileName() + ".zst" + TEMP_MARK + UUID.randomUUID());
        CRC32C plain = new CRC32C();
        CRC32C packed = new CRC32C();
        long n = 0;
        // one thread, one reused context and two 128 KiB buffers: zstd's own worker threads would each hold megabytes
        try (PackIo io = PackIo.acquire();
             FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
             FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                     PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS))) {
            ZstdCompressCtx z = io.compressor(LEVEL, true);
            ByteBuffer buf = io.in;
            boolean eof = false;
            while (!eof) {
                checkStop();
                buf.clear();
                eof = in.read(buf) < 0;
                buf.flip();
                int at = buf.position();
                plain.update(buf);
                n += buf.position() - at;
                buf.position(at);
                io.compress(z, buf, eof ? EndDirective.END : EndDirective.CONTINUE, piece -> {
                    int o = piece.position();
                    packed.update(piece);
                    piece.position(o);
                    ChunkStore.writeAll(ch, piece);
                });
            }
            ch.force(true);
        } catch (com.github.luben.zstd.ZstdException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("zstd: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            notChanged(f, n, plain);
            long size = Files.size(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            written[0] += size;
            return new Manifest.FileEntry(f.path(), f.bytes(), f.checksum(), Optional.of(new Manifest.Packed(Manifest.Form.ZSTD,
                    genDir.relativize(target).toString(), size, Checksums.format(packed.getValue()), List.of(), true)));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Manifest.FileEntry chunkFile(Path src, Manifest.FileEntry f, long[] written) throws IOException {
        ChunkPass.Result r = ChunkPass.run(src, chunks, settings.compress(), LEVEL, threads, this::checkStop);
        notChanged(f, r.bytes(), r.crc());
        written[0] += r.written();
        long stored = 0;
        for (Manifest.Chunk c : new java.util.LinkedHashSet<>(r.chunks())) stored += chunks.storedSize(c, settings.compress());
        return new Manifest.FileEntry(f.path(), f.bytes(), f.checksum(), Optional.of(new Manifest.Packed(Manifest.Form.CHUNKS,
                null, stored, null, r.chunks(), settings.compress())));
    }

    /** A plain file that no longer matches its manifest is a damaged generation: never give it a new, "verified" form. */
    private static void notChanged(Manifest.FileEntry f, long n, CRC32C plain) throws IOException {
        notChanged(f, n, plain.getValue());
    }

    private static void notChanged(Manifest.FileEntry f, long n, long crc) throws IOException {
        if (n != f.bytes() || !Checksums.format(crc).equals(f.checksum())) {
            throw new IOException(f.path() + " does not match its manifest (" + n + " bytes, checksum "
                    + Checksums.format(crc) + "); left as it is");
        }
    }

    /** Prefix of the scratch directory a packed generation is restored from (removed with every other partial). */
    public static final String RESTORE_PREFIX = ImageStore.PARTIAL_PREFIX + "restore-";

    /**
     * A generation's plain files for a restart.
     *
     * @param dir       where the engine restarts from: the generation itself when it is plain, else a scratch copy
     * @param manifest  the manifest with every file plain
     * @param temporary {@code dir} is the scratch copy, deleted by {@link #close} (restart failed) or
     *                  {@link #removeRestoreScratch} (after the next commit)
     */
    public record Unpacked(Path dir, Manifest manifest, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (!temporary) return;
            try {
                SafeFiles.deleteTree(dir);
            } catch (IOException ignored) {
                // a partial: the next start removes it
            }
        }
    }

    /**
     * The plain files of generation {@code g} for a restart. A packed generation is left as it is (no repacking after
     * the restart): its files are written into {@code images/.partial-restore-NNNNNN/} (plain files hard-linked,
     * packed ones decompressed, each checked against the manifest's length and CRC32C), files 0600, directories 0700.
     *
     * @throws IOException a chunk or compressed file is missing or damaged; the generation is as it was
     */
    public synchronized Unpacked unpack(Generation g) throws IOException {
        Manifest m = ImageStore.readManifest(g.path()).orElseThrow(() -> new IOException("generation " + g.number() + ": no manifest"));
        List<Manifest.FileEntry> plainFiles = m.files().stream().map(f -> new Manifest.FileEntry(f.path(), f.bytes(), f.checksum())).toList();
        var mapper = SpecReader.mapper();
        ObjectNode tree = (ObjectNode) mapper.readTree(g.path().resolve(Manifest.FILE_NAME).toFile());
        tree.set("files", mapper.valueToTree(plainFiles));
        Manifest plain = mapper.treeToValue(tree, Manifest.class); // every other field as written
        if (m.files().stream().allMatch(Manifest.FileEntry::isPlain)) return new Unpacked(g.path(), m, false);
        Path target = store.directory().resolve(RESTORE_PREFIX + g.path().getFileName());
        SafeFiles.deleteTree(target);
        SafeFiles.ensureDir(target);
        boolean ok = false;
        try {
            try (Stream<Path> walk = Files.walk(g.path())) { // the generation's directories, also empty ones
                for (Path d : (Iterable<Path>) walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
                    SafeFiles.ensureDir(target.resolve(g.path().relativize(d).toString()));
                }
            }
            Checksums.inParallel(m.files(), f -> {
                Path dst = GenerationFiles.inside(target, f.path());
                SafeFiles.ensureDir(dst.getParent());
                if (f.isPlain()) {
                    Files.createLink(dst, GenerationFiles.inside(g.path(), f.path()));
                    return f;
                }
                CRC32C crc = new CRC32C();
                long[] count = {0};
                try (PackIo io = PackIo.acquire();
                     FileChannel ch = FileChannel.open(dst, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                             PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS))) {
                    PackedFiles.read(g.path(), f, chunks, io, piece -> {
                        int at = piece.position();
                        crc.update(piece);
                        piece.position(at);
                        count[0] += ChunkStore.writeAll(ch, piece);
                    });
                }
                long n = count[0];
                if (n != f.bytes() || !Checksums.format(crc.getValue()).equals(f.checksum())) {
                    // rare: name the damaged chunk or compressed file if its own checksum shows it
                    String which = PackedFiles.verifyProblem(g.path(), f, chunks).map(p -> " (" + p + ")").orElse("");
                    throw new IOException(f.path() + ": unpacks to " + n + " bytes, checksum " + Checksums.format(crc.getValue())
                            + "; manifest says " + f.bytes() + ", " + f.checksum() + which);
                }
                return f;
            });
            ok = true;
            return new Unpacked(target, plain, true);
        } finally {
            if (!ok) SafeFiles.deleteTree(target);
        }
    }

    /**
     * Removes what an interrupted pack left in generation directories: temporary files, the plain
     * files of a packed entry, the {@code .zst} of a plain one (never a file the manifest lists).
     */
    public synchronized void tidy() throws IOException {
        for (Generation g : store.list()) {
            Optional<Manifest> m = ImageStore.readManifest(g.path());
            if (m.isEmpty() || m.get().files() == null) continue;
            // the files the manifest expects on disk: a plain entry's file, a packed entry's compressed file
            Set<String> expected = new HashSet<>();
            for (Manifest.FileEntry f : m.get().files()) {
                if (f.isPlain()) expected.add(f.path());
                else if (f.packed().get().file() != null) expected.add(f.packed().get().file());
            }
            List<Path> doomed = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(g.path())) {
                walk.filter(p -> p.getFileName().toString().contains(TEMP_MARK) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .forEach(doomed::add);
            }
            for (Manifest.FileEntry f : m.get().files()) {
                String leftover = f.isPlain() ? f.path() + ".zst" : f.path();
                if (!expected.contains(leftover)) doomed.add(GenerationFiles.inside(g.path(), leftover));
            }
            for (Path p : doomed) Files.deleteIfExists(p);
        }
    }

    /** Deletes every chunk no generation's manifest lists (and temporaries). Never while a pack runs: same lock. */
    public synchronized long sweep() throws IOException {
        Set<Path> live = new HashSet<>();
        for (Generation g : store.list()) {
            Optional<Manifest> m = ImageStore.readManifest(g.path());
            if (m.isEmpty() || m.get().files() == null) continue;
            for (Manifest.FileEntry f : m.get().files()) {
                if (f.packed().isEmpty() || f.packed().get().form() != Manifest.Form.CHUNKS) continue;
                for (Manifest.Chunk c : f.packed().get().chunks()) live.add(chunks.path(c.sha256(), f.packed().get().compressed()));
            }
        }
        return chunks.sweep(live);
    }
}
