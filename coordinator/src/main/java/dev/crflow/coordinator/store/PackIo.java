package dev.crflow.coordinator.store;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one thread needs to pack, unpack or checksum: two fixed direct buffers, a zstd compression and a decompression
 * context (made on first use, reused for every frame after), a SHA-256. Taken from a small pool and given back by
 * {@link #close}, so a pass allocates nothing per chunk or per file.
 *
 * <p>Why: the coordinator has a 64 MB memory budget. A byte[] per chunk, a zstd context per call and a direct buffer per
 * file grew its heap to the -Xmx, filled glibc's per-thread arenas and left direct buffers waiting for a GC: ~175 MB
 * while a pass ran (docs/benchmarks/storage.md). With these, a pass touches a few MB, always the same ones.
 */
final class PackIo implements AutoCloseable {
    /** zstd's own streaming block (128 KiB): each call then moves whole blocks. */
    static final int BUFFER = 128 * 1024;
    /** Kept for reuse; more can exist at once (each thread that asks gets one), the surplus is dropped at close. */
    private static final int POOLED = 4;
    /** Last in, first out: the sets used most recently (whose contexts exist already) are used again. */
    private static final ConcurrentLinkedDeque<PackIo> POOL = new ConcurrentLinkedDeque<>();
    private static final AtomicInteger LIVE = new AtomicInteger();

    final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER);
    final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    private ZstdCompressCtx cctx;
    private ZstdDecompressCtx dctx;
    private Sha256.Hasher sha;

    private PackIo() {}

    static PackIo acquire() {
        PackIo io = POOL.pollFirst();
        if (io == null) {
            io = new PackIo();
            LIVE.incrementAndGet();
        }
        io.in.clear();
        io.out.clear();
        return io;
    }

    /** How many exist (pooled or in use): a test's bound on what a pass allocates. */
    static int live() { return LIVE.get(); }

    /** A compression context set to {@code level}, frame checksum as asked, content size written. */
    ZstdCompressCtx compressor(int level, boolean checksum) {
        if (cctx == null) cctx = new ZstdCompressCtx();
        cctx.reset();
        cctx.setLevel(level);
        cctx.setChecksum(checksum);
        cctx.setContentSize(true);
        return cctx;
    }

    /**
     * Feeds {@code in} (position to limit) to {@code z} and hands each piece of compressed output to {@code sink}
     * through {@link #out}; with {@link EndDirective#END}, until the frame is complete and flushed.
     *
     * @return the compressed bytes handed over
     */
    long compress(ZstdCompressCtx z, ByteBuffer in, EndDirective op, PackedFiles.Sink sink) throws IOException {
        long n = 0;
        boolean done;
        do {
            out.clear();
            done = z.compressDirectByteBufferStream(out, in, op);
            out.flip();
            n += out.remaining();
            sink.accept(out);
        } while (in.hasRemaining() || (op == EndDirective.END && !done));
        return n;
    }

    ZstdDecompressCtx decompressor() {
        if (dctx == null) dctx = new ZstdDecompressCtx();
        dctx.reset();
        return dctx;
    }

    Sha256.Hasher sha256() {
        if (sha == null) sha = new Sha256.Hasher();
        sha.reset();
        return sha;
    }

    @Override
    public void close() {
        if (POOL.size() < POOLED) {
            POOL.addFirst(this);
            return;
        }
        // the surplus: the contexts' native memory now, the direct buffers at the next GC
        if (cctx != null) cctx.close();
        if (dctx != null) dctx.close();
        if (sha != null) sha.close();
        LIVE.decrementAndGet();
    }
}
