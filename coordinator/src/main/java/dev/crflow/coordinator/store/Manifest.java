package dev.crflow.coordinator.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code MANIFEST.json}: written last, atomically; its presence is what makes a generation.
 *
 * @param appSeconds     application compute time (wall seconds the application ran) up to this checkpoint, all attempts
 * @param files          every file of the generation except the manifest, relative to the generation directory
 * @param engineData     engine-specific restart data (e.g. DMTCP's image list), never guessed from a glob
 * @param kernelRelease  the kernel the generation was written on ({@code uname -r}); null in manifests older than it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(int format, int generation, String engine, String engineVersion, String host, String jobId,
                       int attempt, String trigger, Instant created, double appSeconds, String checksumAlgorithm,
                       long totalBytes, List<FileEntry> files, Map<String, Object> engineData, String kernelRelease) {

    public static final int FORMAT = 1;
    public static final String FILE_NAME = "MANIFEST.json";

    @com.fasterxml.jackson.annotation.JsonCreator
    public Manifest {}

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
