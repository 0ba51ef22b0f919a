package dev.crflow.coordinator.store;

import dev.crflow.coordinator.control.SafeFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The step's chunks, {@code images/chunks/ab/<sha256>[.zst]}, shared by every generation whose manifest lists them.
 * A chunk file is written once (temporary name, fsync, rename) and never changed; it is named by the SHA-256 of its
 * plain content, which every read verifies. Chunks no kept manifest lists are deleted by {@link #sweep} (mark and
 * sweep from the manifests on disk: no reference count to get out of step with them after a crash).
 */
final class ChunkStore {
    static final String DIR_NAME = "chunks";
    static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;
    private final Set<Path> touchedDirs = ConcurrentHashMap.newKeySet();

    ChunkStore(Path imagesDir) { this.dir = imagesDir.resolve(DIR_NAME); }

    Path directory() { return dir; }

    Path path(String sha256, boolean compressed) {
        if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a SHA-256: " + sha256);
        return dir.resolve(sha256.substring(0, 2)).resolve(sha256 + (compressed ? ".zst" : ""));
    }

    /**
     * Stores the chunk at {@code [offset, offset + len)} of {@code src} unless it is there already, streaming it through
     * {@code io}'s fixed buffers (and zstd context): nothing the size of a chunk is allocated. The content read now must
     * have the SHA-256 the chunk is named by (the scan's), else nothing is stored. The rename is made durable by
     * {@link #syncDirectories}, which the packer calls before a manifest that lists the chunk is written.
     *
     * @return the bytes written (0: already stored)
     */
    long put(String sha256, java.nio.channels.FileChannel src, long offset, int len, boolean compressed, int level, PackIo io)
            throws IOException {
        Path target = path(sha256, compressed);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) return 0;
        Path sub = target.getParent();
        SafeFiles.ensureDir(dir);
        SafeFiles.ensureDir(sub);
        Path tmp = sub.resolve(TEMP_PREFIX + UUID.randomUUID());
        long written = 0;
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS))) {
                Sha256.Hasher sha = io.sha256();
                com.github.luben.zstd.ZstdCompressCtx z = null;
                if (compressed) {
                    // the frame header carries the content size, as the one-shot frames of earlier releases did
                    z = io.compressor(level, false);
                    z.setPledgedSrcSize(len);
                }
                ByteBuffer in = io.in;
                long pos = offset;
                long end = offset + len;
                while (pos < end) {
                    in.clear();
                    in.limit((int) Math.min(in.capacity(), end - pos));
                    while (in.hasRemaining()) {
                        int r = src.read(in, pos + in.position());
                        if (r < 0) throw new IOException("source ended inside chunk " + sha256);
                    }
                    in.flip();
                    pos += in.remaining();
                    sha.update(in);
                    in.flip();
                    if (z == null) {
                        written += writeAll(ch, in);
                    } else {
                        written += io.compress(z, in, com.github.luben.zstd.EndDirective.CONTINUE, piece -> writeAll(ch, piece));
                    }
                }
                if (z != null) {
                    in.clear();
                    in.flip(); // empty: only the frame's end is left
                    written += io.compress(z, in, com.github.luben.zstd.EndDirective.END, piece -> writeAll(ch, piece));
                }
                String now = sha.hex();
                if (!now.equals(sha256)) throw new IOException("chunk " + sha256 + " changed while it was stored (reads as " + now + ")");
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (com.github.luben.zstd.ZstdException e) {
            throw new IOException("zstd: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp); // an interrupted write (a paused pack): no debris
        }
        touchedDirs.add(sub);
        return written;
    }

    static long writeAll(java.nio.channels.WritableByteChannel ch, ByteBuffer b) throws IOException {
        long n = b.remaining();
        while (b.hasRemaining()) ch.write(b);
        return n;
    }

    /** Makes every chunk written since the last call durable (their directories' entries). */
    void syncDirectories() throws IOException {
        for (Path d : Set.copyOf(touchedDirs)) {
            SafeFiles.fsyncDir(d);
            touchedDirs.remove(d);
        }
        if (Files.isDirectory(dir)) SafeFiles.fsyncDir(dir);
    }

    /**
     * Streams the chunk's plain content to {@code sink} through {@code io}'s buffers, checked against the manifest's
     * length; an IOException says what is wrong.
     *
     * @param sha256 verify the content's SHA-256 ({@link ImageStore#verify}); false when the caller checks the whole
     *               file's CRC32C against the manifest anyway (unpack, the packer's read-back): one hash pass, not two
     */
    void read(Manifest.Chunk c, boolean compressed, boolean sha256, PackIo io, PackedFiles.Sink sink) throws IOException {
        Path p = path(c.sha256(), compressed);
        Sha256.Hasher sha = sha256 ? io.sha256() : null;
        long[] n = {0};
        PackedFiles.Sink counted = piece -> {
            n[0] += piece.remaining();
            if (n[0] > c.bytes()) throw new IOException("chunk " + c.sha256() + ": more than the " + c.bytes() + " bytes the manifest says");
            if (sha != null) {
                int at = piece.position();
                sha.update(piece);
                piece.position(at);
            }
            sink.accept(piece);
        };
        try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.READ)) {
            if (compressed) {
                PackedFiles.unzstd(ch, io, counted, "chunk " + c.sha256());
            } else {
                ByteBuffer in = io.in;
                while (true) {
                    in.clear();
                    if (ch.read(in) < 0) break;
                    in.flip();
                    counted.accept(in);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("chunk " + c.sha256() + ": missing");
        }
        if (n[0] != c.bytes()) throw new IOException("chunk " + c.sha256() + ": " + n[0] + " bytes, manifest says " + c.bytes());
        if (sha == null) return;
        String sum = sha.hex();
        if (!sum.equals(c.sha256())) throw new IOException("chunk " + c.sha256() + ": content has SHA-256 " + sum);
    }

    boolean exists(Manifest.Chunk c, boolean compressed) {
        return Files.isRegularFile(path(c.sha256(), compressed), LinkOption.NOFOLLOW_LINKS);
    }

    long storedSize(Manifest.Chunk c, boolean compressed) throws IOException {
        return Files.size(path(c.sha256(), compressed));
    }

    /**
     * Deletes every chunk file not in {@code live} and every temporary file of an interrupted write. Only called while no
     * pack is writing (the packer's own thread, or before it starts): a chunk written for a manifest not yet swapped in
     * is not in {@code live}.
     *
     * @return the bytes freed
     */
    long sweep(Set<Path> live) throws IOException {
        long freed = 0;
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return 0;
        try (DirectoryStream<Path> subs = Files.newDirectoryStream(dir)) {
            for (Path sub : subs) {
                if (!Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)) continue;
                boolean any = false;
                try (DirectoryStream<Path> files = Files.newDirectoryStream(sub)) {
                    for (Path f : files) {
                        if (live.contains(f)) continue;
                        try {
                            long size = Files.size(f);
                            Files.delete(f);
                            freed += size;
                            any = true;
                        } catch (java.nio.file.NoSuchFileException ignored) {
                            // gone already
                        }
                    }
                }
                if (any) SafeFiles.fsyncDir(sub);
            }
        }
        return freed;
    }
}
