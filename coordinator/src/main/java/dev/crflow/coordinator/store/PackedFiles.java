package dev.crflow.coordinator.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Reading and checking the files of a generation that are stored packed ({@link Manifest.Packed}): streamed through
 * one {@link PackIo}'s fixed buffers, piece by piece, never a chunk or a file in memory at once.
 */
final class PackedFiles {
    private PackedFiles() {}

    /** Receives plain content piece by piece: a direct buffer from its position to its limit, valid during the call. */
    interface Sink {
        void accept(ByteBuffer piece) throws IOException;
    }

    /** The compressed file of a {@link Manifest.Form#ZSTD} entry, refused if its name leaves the generation. */
    static Path zstdFile(Path genDir, Manifest.FileEntry e) throws IOException {
        Path p = genDir.resolve(e.packed().orElseThrow().file()).normalize();
        if (!p.startsWith(genDir)) throw new IOException("manifest path escapes the generation: " + e.packed().get().file());
        return p;
    }

    /**
     * Streams the entry's plain content to {@code sink}. Chunks are checked for length only: every caller compares the
     * whole content's length and CRC32C with the manifest (unpack, the packer's read-back); {@link #verifyProblem} checks
     * each chunk's SHA-256.
     */
    static void read(Path genDir, Manifest.FileEntry e, ChunkStore chunks, PackIo io, Sink sink) throws IOException {
        Manifest.Packed p = e.packed().orElseThrow();
        switch (p.form()) {
            case ZSTD -> {
                try (FileChannel ch = FileChannel.open(zstdFile(genDir, e), StandardOpenOption.READ)) {
                    unzstd(ch, io, sink, p.file());
                }
            }
            case CHUNKS -> {
                for (Manifest.Chunk c : p.chunks()) chunks.read(c, p.compressed(), false, io, sink);
            }
        }
    }

    /**
     * Decompresses the zstd frames of {@code ch} (from its position) to {@code sink} with {@code io}'s context and
     * buffers.
     *
     * @throws IOException not zstd, damaged, or cut short
     */
    static long unzstd(FileChannel ch, PackIo io, Sink sink, String what) throws IOException {
        var d = io.decompressor();
        ByteBuffer in = io.in;
        ByteBuffer out = io.out;
        in.clear();
        in.flip();
        boolean eof = false;
        boolean done = false; // the last call ended a frame and flushed it
        boolean outFull = false; // the last call may have more output waiting
        long n = 0;
        try {
            while (true) {
                if (!in.hasRemaining() && !outFull) {
                    if (eof) break;
                    in.clear();
                    int r = ch.read(in);
                    in.flip();
                    if (r < 0) {
                        eof = true;
                        continue;
                    }
                }
                out.clear();
                done = d.decompressDirectByteBufferStream(out, in);
                outFull = !done && !out.hasRemaining();
                out.flip();
                n += out.remaining();
                if (out.hasRemaining()) sink.accept(out);
            }
        } catch (com.github.luben.zstd.ZstdException ex) {
            throw new IOException(what + ": not a valid zstd frame (" + ex.getMessage() + ")");
        }
        if (!done) throw new IOException(what + ": the zstd frame is cut short");
        return n;
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
            try (PackIo io = PackIo.acquire()) {
                // one after another through one set of buffers: a restore's check must stay in the coordinator's memory
                Sink none = piece -> piece.position(piece.limit());
                for (Manifest.Chunk c : new java.util.LinkedHashSet<>(p.chunks())) chunks.read(c, p.compressed(), true, io, none);
            }
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
        long[] n = {0};
        try (PackIo io = PackIo.acquire()) {
            read(genDir, e, chunks, io, piece -> {
                n[0] += piece.remaining();
                crc.update(piece);
            });
        }
        if (n[0] != e.bytes() || !Checksums.format(crc.getValue()).equals(e.checksum())) {
            throw new IOException(e.path() + ": packed content reads back as " + n[0] + " bytes, checksum "
                    + Checksums.format(crc.getValue()) + "; manifest says " + e.bytes() + ", " + e.checksum());
        }
    }
}
