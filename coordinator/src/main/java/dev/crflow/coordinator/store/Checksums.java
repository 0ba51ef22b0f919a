package dev.crflow.coordinator.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli): the JDK's implementation uses the CPU's crc32 instructions, measured at several
 * GB/s per core here (docs/benchmarks/coordinator.md), where SHA-256 does not reach 1 GB/s. A generation
 * needs detection of torn or flipped bytes, not protection against a forger who can write the store anyway.
 */
public final class Checksums {
    public static final String ALGORITHM = "CRC32C";
    static final int BUFFER = 1 << 20;

    private Checksums() {}

    public static String of(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
        }
        return format(crc.getValue());
    }

    public static String format(long crc) { return String.format("%08x", crc); }
}
