package dev.crflow.coordinator.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Bytes on disk of a directory tree: the one helper for image stores, reports and status views. */
public final class DiskUsage {
    private DiskUsage() {}

    /**
     * The sum of the sizes of the regular files under {@code dir} (symbolic links not followed). Files that vanish
     * or cannot be read while walking count as 0: a generation being pruned is not an error for a viewer.
     */
    public static long bytes(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(DiskUsage::size).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
