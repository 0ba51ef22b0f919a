package dev.crflow.executor.control;

import dev.crflow.coordinator.control.SafeFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Owner-only files written crash-safely (through the coordinator's {@link SafeFiles}); folders made and tightened to 0700. */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code dir} and missing parents below {@code root}... with mode 0700; tightens an existing one. */
    public static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) Files.createDirectories(parent);
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
            } catch (FileAlreadyExistsException ignored) {
                // another thread made it
            }
        }
        Files.setPosixFilePermissions(dir, DIR);
        return dir;
    }

    public static void writeAtomically(Path target, String content) throws IOException {
        writeAtomically(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The coordinator's durable replace (temp 0600, fsync, rename, fsync of the folder): one implementation. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        SafeFiles.writeAtomically(target, content);
    }
}
