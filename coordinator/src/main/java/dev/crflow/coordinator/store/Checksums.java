package dev.crflow.coordinator.store;

import dev.crflow.coordinator.control.SafeFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli): the JDK's implementation uses the CPU's crc32 instructions, measured at several
 * GB/s per core here (docs/benchmarks/coordinator.md), where SHA-256 does not reach 1 GB/s. A generation
 * needs detection of torn or flipped bytes, not protection against a forger who can write the store anyway.
 */
public final class Checksums {
    public static final String ALGORITHM = "CRC32C";

    private Checksums() {}

    public static String of(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        // a pooled buffer: one allocated per call waits for a GC to be freed, and a commit checksums many files
        try (PackIo io = PackIo.acquire(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = io.in;
            while (ch.read(buf) >= 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
        }
        return format(crc.getValue());
    }

    public static String format(long crc) { return String.format("%08x", crc); }

    interface IoFunction<A, T> { T apply(A p) throws IOException; }

    /** One file per core (at most 4 threads): checksumming is CPU-bound at ~1.5 GB/s per core, disks are faster. */
    static <A, T> List<T> inParallel(List<A> paths, IoFunction<A, T> fn) throws IOException {
        if (paths.isEmpty()) return List.of();
        if (paths.size() == 1) return List.of(fn.apply(paths.get(0)));
        int threads = Math.min(paths.size(), Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "crflow-checksum");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<T>> futures = new ArrayList<>();
            for (A p : paths) futures.add(pool.submit(() -> fn.apply(p)));
            List<T> out = new ArrayList<>();
            for (var f : futures) out.add(f.get());
            return out;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checksumming", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Checksums and fsyncs files written in place (made owner-only first), as manifest entries relative to {@code base}. */
    static List<Manifest.FileEntry> checksumAndSync(Path base, List<Path> paths) throws IOException {
        return inParallel(paths, p -> {
            SafeFiles.makePrivate(p);
            String sum = Checksums.of(p);
            SafeFiles.fsyncFile(p);
            return new Manifest.FileEntry(base.relativize(p).toString(), Files.size(p), sum);
        });
    }
}
