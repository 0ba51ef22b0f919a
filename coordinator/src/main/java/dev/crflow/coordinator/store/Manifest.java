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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(int format, int generation, String engine, String engineVersion, String host, String jobId,
                       int attempt, String trigger, Instant created, double appSeconds, String checksumAlgorithm,
                       long totalBytes, List<FileEntry> files, Map<String, Object> engineData) {

    public static final int FORMAT = 1;
    public static final String FILE_NAME = "MANIFEST.json";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileEntry(String path, long bytes, String checksum) {}
}
