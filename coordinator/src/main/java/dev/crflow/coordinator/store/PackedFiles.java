package dev.crflow.coordinator.store;

import com.github.luben.zstd.ZstdInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/** Reading and checking the files of a generation that are stored packed ({@link Manifest.Packed}). */
final class PackedFiles {
    private PackedFiles() {}

    /** Decompresses the chunks ahead of the reader (restore time): daemon threads, half the cores, 2 to 4. */
    private static final java.util.concurrent.ExecutorService READ_AHEAD = java.util.concurrent.Executors.newFixedThreadPool(
            Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors() / 2)), r -> {
                Thread t = new Thread(r, "crflow-unpack");
                t.setDaemon(true);
                return t;
            });
    private static final int READ_AHEAD_CHUNKS = 8;

    /** The compressed file of a {@link Manifest.Form#ZSTD} entry, refused if its name leaves the generation. */
    static Path zstdFile(Path genDir, Manifest.FileEntry e) throws IOException {
        Path p = genDir.resolve(e.packed().orElseThrow().file()).normalize();
        if (!p.startsWith(genDir)) throw new IOException("manifest path escapes the generation: " + e.packed().get().file());
        return p;
    }

    /**
     * The entry's plain content. Chunks are checked for length only: every caller compares the whole content's length
     * and CRC32C with the manifest (unpack, the packer's read-back); {@link #verifyProblem} checks each chunk's SHA-256.
     */
    static InputStream open(Path genDir, Manifest.FileEntry e, ChunkStore chunks) throws IOException {
        Manifest.Packed p = e.packed().orElseThrow();
        return switch (p.form()) {
            case ZSTD -> new ZstdInputStream(new BufferedInputStream(Files.newInputStream(zstdFile(genDir, e)), 1 << 20));
            case CHUNKS -> new ChunkInput(p.chunks(), p.compressed(), chunks);
        };
    }

    /** The cheap check of {@link ImageStore#list}: present with the recorded sizes; empty when fine. */
    static Optional<String> quickProblem(Path genDir, Manifest.FileEntry e, ChunkStore chunks) {
        Manifest.Packed p = e.packed().orElseThrow();
        try {
            if (p.form() == Manifest.Form.ZSTD) {
                Path f = zstdFile(genDir, e);
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) return Optional.of(p.file() + ": missing");
                long size = Files.size(f);
                return size == p.storedBytes() ? Optional.empty()
                        : Optional.of(p.file() + ": " + size + " bytes, manifest says " + p.storedBytes());
            }
            long plain = 0;
            for (Manifest.Chunk c : p.chunks()) {
                if (!chunks.exists(c, p.compressed())) return Optional.of(e.path() + ": chunk " + c.sha256() + " missing");
                plain += c.bytes();
            }
            return plain == e.bytes() ? Optional.empty()
                    : Optional.of(e.path() + ": chunks add up to " + plain + " bytes, manifest says " + e.bytes());
        } catch (IOException | IllegalArgumentException ex) {
            return Optional.of(e.path() + ": " + ex.getMessage());
        }
    }

    /**
     * The checksums of what is on disk: a compressed file's CRC32C (no decompression needed), or every chunk's SHA-256
     * (chunks in parallel). Empty when fine.
     */
    static Optional<String> verifyProblem(Path genDir, Manifest.FileEntry e, ChunkStore chunks) {
        Optional<String> quick = quickProblem(genDir, e, chunks);
        if (quick.isPresent()) return quick;
        Manifest.Packed p = e.packed().orElseThrow();
        try {
            if (p.form() == Manifest.Form.ZSTD) {
                String sum = Checksums.of(zstdFile(genDir, e));
                return sum.equals(p.storedChecksum()) ? Optional.empty()
                        : Optional.of(p.file() + ": checksum " + sum + ", manifest says " + p.storedChecksum());
            }
            Checksums.inParallel(List.copyOf(new java.util.LinkedHashSet<>(p.chunks())), c -> chunks.read(c, p.compressed()).length);
            return Optional.empty();
        } catch (IOException ex) {
            return Optional.of(e.path() + ": " + ex.getMessage());
        } catch (LinkageError ex) {
            // zstd's native library does not load here (e.g. a noexec java.io.tmpdir): unreadable on this node
            return Optional.of(e.path() + ": zstd is not available on this node (" + ex + ")");
        }
    }

    /** Reads the entry's plain content back and compares length and CRC32C with the manifest: the packer's round trip. */
    static void checkRoundTrip(Path genDir, Manifest.FileEntry e, ChunkStore chunks) throws IOException {
        CRC32C crc = new CRC32C();
        long n = 0;
        byte[] buf = new byte[1 << 20];
        try (InputStream in = open(genDir, e, chunks)) {
            int r;
            while ((r = in.read(buf)) >= 0) {
                crc.update(buf, 0, r);
                n += r;
            }
        }
        if (n != e.bytes() || !Checksums.format(crc.getValue()).equals(e.checksum())) {
            throw new IOException(e.path() + ": packed content reads back as " + n + " bytes, checksum "
                    + Checksums.format(crc.getValue()) + "; manifest says " + e.bytes() + ", " + e.checksum());
        }
    }

    /** The concatenation of a file's chunks, each read whole (up to {@value #READ_AHEAD_CHUNKS} ahead, in parallel). */
    private static final class ChunkInput extends InputStream {
        private final List<Manifest.Chunk> list;
        private final boolean compressed;
        private final ChunkStore store;
        private int next;
        private final java.util.ArrayDeque<java.util.concurrent.Future<byte[]>> ahead = new java.util.ArrayDeque<>();
        private byte[] cur = new byte[0];
        private int pos;

        private byte[] nextChunk() throws IOException {
            while (ahead.size() < READ_AHEAD_CHUNKS && next < list.size()) {
                Manifest.Chunk c = list.get(next++);
                ahead.add(READ_AHEAD.submit(() -> store.read(c, compressed, false)));
            }
            try {
                return ahead.remove().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("reading chunks interrupted");
            }
        }

        @Override
        public void close() {
            for (var f : ahead) f.cancel(true);
            ahead.clear();
        }

        ChunkInput(List<Manifest.Chunk> list, boolean compressed, ChunkStore store) {
            this.list = list;
            this.compressed = compressed;
            this.store = store;
        }

        private boolean fill() throws IOException {
            while (pos >= cur.length) {
                if (next >= list.size() && ahead.isEmpty()) return false;
                cur = nextChunk();
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? cur[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = Math.min(len, cur.length - pos);
            System.arraycopy(cur, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
