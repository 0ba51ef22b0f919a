package dev.crflow.coordinator.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** File helpers of the {@link Packer}: paths inside a generation, the manifest's file list, durability, a test hook. */
final class GenerationFiles {
    private GenerationFiles() {}

    /**
     * Test hook (kill -9 fault injection): when {@value #PAUSE_ENV} names a phase ({@code written}: the new form is on
     * disk, the manifest not yet swapped; {@code swapped}: the manifest swapped, the plain files not yet deleted), the
     * pack announces it on stderr and stops there for an hour.
     */
    static final String PAUSE_ENV = "CRFLOW_TEST_PACK_PAUSE_AT";

    static void pauseForFaultInjection(String phase) {
        if (!phase.equals(System.getenv(PAUSE_ENV))) return;
        System.err.println("crflow-test: pack paused at " + phase);
        System.err.flush();
        try {
            Thread.sleep(3_600_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Path inside(Path genDir, String relative) throws IOException {
        Path p = genDir.resolve(relative).normalize();
        if (!p.startsWith(genDir) || p.equals(genDir)) throw new IOException("manifest path escapes the generation: " + relative);
        return p;
    }

    /** Replaces the manifest's file list only, keeping every other field as written (also fields this release does not know). */
    static void writeManifestFiles(Path genDir, List<Manifest.FileEntry> files) throws IOException {
        var mapper = SpecReader.mapper();
        ObjectNode tree = (ObjectNode) mapper.readTree(genDir.resolve(Manifest.FILE_NAME).toFile());
        tree.set("files", mapper.valueToTree(files));
        SafeFiles.writeAtomically(genDir.resolve(Manifest.FILE_NAME), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
    }

    /** fsyncs every directory of the generation (renames and deletions inside it made durable). */
    static void syncDirectories(Path genDir) throws IOException {
        try (Stream<Path> walk = Files.walk(genDir)) {
            for (Path d : (Iterable<Path>) walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
                SafeFiles.fsyncDir(d);
            }
        }
    }
}
