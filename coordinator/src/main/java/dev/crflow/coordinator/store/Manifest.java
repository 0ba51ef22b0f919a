package dev.crflow.coordinator.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code MANIFEST.json}: written last, atomically; its presence is what makes a generation.
 *
 * @param appSeconds     application compute time (wall seconds the application ran) up to this checkpoint, all attempts
 * @param files          every file of the generation except the manifest, relative to the generation directory
 * @param engineData     engine-specific restart data (e.g. DMTCP's image list), never guessed from a glob
 * @param kernelRelease  the kernel the generation was written on ({@code uname -r}); null in manifests older than it
 * @param parent         the generation whose images this one reads through (an incremental checkpoint: only what changed
 *                       is here); empty for a self-contained generation and in manifests older than it
 * @param incremental    written for incremental checkpoints: it may have a parent and may become one, so its files stay
 *                       exactly as the engine wrote them (false in older manifests)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(int format, int generation, String engine, String engineVersion, String host, String jobId,
                       int attempt, String trigger, Instant created, double appSeconds, String checksumAlgorithm,
                       long totalBytes, List<FileEntry> files, Map<String, Object> engineData, String kernelRelease,
                       Optional<Integer> parent, boolean incremental) {

    public static final int FORMAT = 1;
    public static final String FILE_NAME = "MANIFEST.json";

    @com.fasterxml.jackson.annotation.JsonCreator
    public Manifest {
        parent = parent == null ? Optional.empty() : parent;
    }

    /** A self-contained generation (no parent), as every manifest before incremental checkpoints. */
    public Manifest(int format, int generation, String engine, String engineVersion, String host, String jobId, int attempt,
                    String trigger, Instant created, double appSeconds, String checksumAlgorithm, long totalBytes,
                    List<FileEntry> files, Map<String, Object> engineData, String kernelRelease) {
        this(format, generation, engine, engineVersion, host, jobId, attempt, trigger, created, appSeconds, checksumAlgorithm,
                totalBytes, files, engineData, kernelRelease, Optional.empty(), false);
    }

    /**
     * The one test of "part of a chain": a generation that reads through a parent, or may be read through by a later
     * one. Such a generation's files must stay byte for byte as written (no compression, no dedup rewriting): CRIU
     * reads a parent's page images directly. Every store feature that rewrites files asks this.
     */
    public boolean partOfChain() {
        return incremental || parent.isPresent();
    }

    /** A manifest written on this machine's kernel. */
    public Manifest(int format, int generation, String engine, String engineVersion, String host, String jobId, int attempt,
                    String trigger, Instant created, double appSeconds, String checksumAlgorithm, long totalBytes,
                    List<FileEntry> files, Map<String, Object> engineData) {
        this(format, generation, engine, engineVersion, host, jobId, attempt, trigger, created, appSeconds, checksumAlgorithm,
                totalBytes, files, engineData, System.getProperty("os.version"));
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileEntry(String path, long bytes, String checksum) {}
}
