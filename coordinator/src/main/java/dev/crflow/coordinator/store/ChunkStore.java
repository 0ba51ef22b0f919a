package dev.crflow.coordinator.store;

import com.github.luben.zstd.Zstd;
import dev.crflow.coordinator.control.SafeFiles;

import java.io.IOException;
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

    static String sha256(byte[] b, int off, int len) { return Sha256.hex(b, off, len); }

    /**
     * Stores a chunk unless it is there already; the rename is made durable by {@link #syncDirectories}, which the
     * packer calls before a manifest that lists the chunk is written.
     *
     * @return the bytes written (0: already stored)
     */
    long put(String sha256, byte[] b, int off, int len, boolean compressed, int level) throws IOException {
        Path target = path(sha256, compressed);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) return 0;
        Path sub = target.getParent();
        SafeFiles.ensureDir(dir);
        SafeFiles.ensureDir(sub);
        byte[] data;
        if (compressed) {
            byte[] plain = off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
            data = Zstd.compress(plain, level);
        } else {
            data = java.util.Arrays.copyOfRange(b, off, off + len);
        }
        Path tmp = sub.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS))) {
                var buf = java.nio.ByteBuffer.wrap(data);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp); // an interrupted write (a paused pack): no debris
        }
        touchedDirs.add(sub);
        return data.length;
    }

    /** Makes every chunk written since the last call durable (their directories' entries). */
    void syncDirectories() throws IOException {
        for (Path d : Set.copyOf(touchedDirs)) {
            SafeFiles.fsyncDir(d);
            touchedDirs.remove(d);
        }
        if (Files.isDirectory(dir)) SafeFiles.fsyncDir(dir);
    }

    /** The chunk's plain content, verified against its name and length; an IOException says what is wrong. */
    byte[] read(Manifest.Chunk c, boolean compressed) throws IOException { return read(c, compressed, true); }

    /**
     * @param sha256 verify the content's SHA-256 ({@link ImageStore#verify}); false when the caller checks the whole
     *               file's CRC32C against the manifest anyway (unpack, the packer's read-back): one hash pass, not two
     */
    byte[] read(Manifest.Chunk c, boolean compressed, boolean sha256) throws IOException {
        Path p = path(c.sha256(), compressed);
        byte[] stored;
        try {
            stored = Files.readAllBytes(p);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("chunk " + c.sha256() + ": missing");
        }
        byte[] plain;
        if (compressed) {
            long size = Zstd.getFrameContentSize(stored);
            if (size != c.bytes()) throw new IOException("chunk " + c.sha256() + ": " + size + " bytes, manifest says " + c.bytes());
            try {
                plain = Zstd.decompress(stored, (int) c.bytes());
            } catch (RuntimeException e) {
                throw new IOException("chunk " + c.sha256() + ": not a valid zstd frame (" + e.getMessage() + ")");
            }
        } else {
            plain = stored;
        }
        if (plain.length != c.bytes()) throw new IOException("chunk " + c.sha256() + ": " + plain.length + " bytes, manifest says " + c.bytes());
        if (!sha256) return plain;
        String sum = sha256(plain, 0, plain.length);
        if (!sum.equals(c.sha256())) throw new IOException("chunk " + c.sha256() + ": content has SHA-256 " + sum);
        return plain;
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
