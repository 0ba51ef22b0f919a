package dev.crflow.coordinator.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Durable, owner-only file operations: everything the coordinator writes is 0600 (files) / 0700 (dirs)
 * and is replaced by temp-file + fsync + rename + fsync(parent), so a reader sees the old or the new
 * content, never a mix, and a crash leaves the old one.
 */
public final class SafeFiles {
    public static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");

    private SafeFiles() {}

    /** mkdir -p with 0700 on every directory this call creates. */
    public static Path ensureDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return dir;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) ensureDir(parent);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMS));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e;
        }
        return dir;
    }

    public static void writeAtomically(Path target, String content) throws IOException {
        writeAtomically(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeAtomically(Path target, byte[] content) throws IOException {
        writeAtomically(target, content, true);
    }

    /**
     * @param durable false for advisory files rewritten every few seconds (status, heartbeat): still atomic for
     *                readers (rename), but without the fsyncs, which cost tens of milliseconds on a busy file system
     */
    public static void writeAtomically(Path target, byte[] content, boolean durable) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE_PERMS))) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) ch.write(buf);
            if (durable) ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (durable) fsyncDir(dir);
    }

    /** rename(2) of a directory or file, then fsync of the parent so the rename survives a crash. */
    public static void renameDurably(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically (different filesystems?)", e);
        }
        fsyncDir(to.toAbsolutePath().getParent());
        Path fromParent = from.toAbsolutePath().getParent();
        if (!fromParent.equals(to.toAbsolutePath().getParent())) fsyncDir(fromParent);
    }

    public static void fsyncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Linux lets a directory be opened read-only and fsync'd; that is what makes a rename durable. */
    public static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isSymbolicLink(root)) {
            Files.delete(root); // the link only, never what it points to
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static void makePrivate(Path p) throws IOException {
        Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIR_PERMS : FILE_PERMS);
    }
}
