package dev.crflow.coordinator.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Cuts one plain file into content-defined chunks and stores the new ones, in bounded memory: one thread reads the file
 * once through a fixed buffer and finds the cuts, each chunk's SHA-256 and the file's CRC32C as the bytes stream past
 * ({@link Chunker.Boundaries}); a chunk not stored yet is handed (as an offset and a length, never a copy) to one of
 * {@code workers} writers, which read it again from the file (the page cache has it) and compress it through a
 * {@link PackIo} of their own. At most {@code workers} chunks are in flight.
 */
final class ChunkPass {
    /** What the pass found: the chunks in order, the file's length and CRC32C, the bytes written for new chunks. */
    record Result(List<Manifest.Chunk> chunks, long bytes, long crc, long written) {}

    interface StopCheck {
        void check() throws InterruptedIOException;
    }

    private final ChunkStore store;
    private final boolean compress;
    private final int level;
    private final List<Manifest.Chunk> list = new ArrayList<>();
    private final List<Future<Long>> writes = new ArrayList<>();
    private final Set<String> queued = new HashSet<>();
    private final Semaphore slots;
    private final ExecutorService pool;

    private ChunkPass(ChunkStore store, boolean compress, int level, int workers) {
        this.store = store;
        this.compress = compress;
        this.level = level;
        this.slots = new Semaphore(workers);
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "crflow-pack-chunk");
            t.setDaemon(true);
            return t;
        });
    }

    static Result run(Path src, ChunkStore store, boolean compress, int level, int workers, StopCheck stop) throws IOException {
        return new ChunkPass(store, compress, level, workers).cut(src, stop);
    }

    private Result cut(Path src, StopCheck stop) throws IOException {
        CRC32C crc = new CRC32C();
        long pos = 0;
        try (FileChannel ch = FileChannel.open(src, StandardOpenOption.READ); PackIo io = PackIo.acquire()) {
            ByteBuffer in = io.in;
            byte[] scan = new byte[in.capacity()]; // the gear hash reads an array: C1 compiles that loop well
            Chunker.Boundaries cuts = new Chunker.Boundaries();
            Sha256.Hasher sha = io.sha256();
            long start = 0;
            while (true) {
                stop.check();
                in.clear();
                int r = ch.read(in);
                if (r < 0) break;
                if (r == 0) continue;
                in.flip();
                crc.update(in);
                in.get(0, scan, 0, r);
                int off = 0;
                while (off < r) {
                    int k = cuts.next(scan, off, r - off);
                    in.limit(off + k);
                    in.position(off);
                    sha.update(in);
                    off += k;
                    pos += k;
                    if (cuts.cut()) {
                        queue(new Manifest.Chunk(sha.hex(), pos - start), start, ch);
                        start = pos;
                    }
                }
            }
            if (pos > start) queue(new Manifest.Chunk(sha.hex(), pos - start), start, ch);
            long written = 0;
            for (Future<Long> w : writes) written += w.get(); // before the channel closes: the writers read from it
            return new Result(list, pos, crc.getValue(), written);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("packing stopped");
        } finally {
            // no chunk write may outlive the pack: a sweep after it must see every file it will ever write
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(60, TimeUnit.SECONDS)) throw new IOException("chunk writers did not stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The chunk at {@code offset} of {@code ch} is next in the file; a new one goes to a free writer (waiting for one). */
    private void queue(Manifest.Chunk c, long offset, FileChannel ch) throws InterruptedException {
        list.add(c);
        if (!queued.add(c.sha256()) || store.exists(c, compress)) return;
        slots.acquire();
        try {
            writes.add(pool.submit(() -> {
                try (PackIo io = PackIo.acquire()) {
                    return store.put(c.sha256(), ch, offset, (int) c.bytes(), compress, level, io);
                } finally {
                    slots.release();
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            slots.release();
            throw e;
        }
    }
}
