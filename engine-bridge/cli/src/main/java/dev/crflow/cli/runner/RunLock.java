package dev.crflow.cli.runner;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.executor.control.PrivateFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One driver per run: an OS lock on {@code .crflow/lock} (released by the kernel when the driver dies, even by
 * SIGKILL), holding who owns it so a second driver can say so.
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static RunLock acquire(Path root, String what) {
        Path file = root.resolve("lock");
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PrivateFiles.FILE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                String holder = holder(root).orElse("another crflow process");
                ch.close();
                throw new CrflowException(ExitCodes.ENVIRONMENT, "this run is being driven by " + holder
                        + "; watch it with 'crflow status' or stop that driver first (the run keeps going without a driver"
                        + " and the next 'crflow run' reattaches)");
            }
            String who = "pid " + ProcessHandle.current().pid() + " on " + hostname() + " (" + what + ", since " + Instant.now() + ")";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new RunLock(ch, l);
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Who holds the lock, if anyone does right now. */
    public static java.util.Optional<String> holder(Path root) {
        Path file = root.resolve("lock");
        if (!Files.exists(file)) return java.util.Optional.empty();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe;
            try {
                probe = ch.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                return java.util.Optional.of("this process");
            }
            if (probe != null) {
                probe.release();
                return java.util.Optional.empty();
            }
            String text = Files.readString(file).strip();
            return java.util.Optional.of(text.isEmpty() ? "another crflow process" : text);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the kernel releases it with the process anyway
        }
    }
}
