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

    /**
     * One file of the generation as the engine wrote it: {@code bytes} and {@code checksum} are of its plain content.
     * {@code packed} empty: the plain file is on disk at {@code path}; else the form it is stored in instead
     * ({@link Packed}), written by the background {@link Packer} after the commit.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileEntry(String path, long bytes, String checksum,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_ABSENT)
                            java.util.Optional<Packed> packed) {
        @com.fasterxml.jackson.annotation.JsonCreator
        public FileEntry {
            packed = packed == null ? java.util.Optional.empty() : packed;
        }

        /** A plain file, as every commit writes it. */
        public FileEntry(String path, long bytes, String checksum) { this(path, bytes, checksum, java.util.Optional.empty()); }

        public boolean isPlain() { return packed.isEmpty(); }
    }

    /** How a packed file is stored. */
    public enum Form {
        /** one zstd frame next to where the plain file was: {@code <path>.zst} */
        ZSTD,
        /** a list of content-defined chunks in the step's chunk store {@code images/chunks/} (each zstd or plain) */
        CHUNKS;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Form parse(String s) { return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT)); }
    }

    /**
     * @param file           {@link Form#ZSTD}: the compressed file, relative to the generation directory
     * @param storedBytes    {@link Form#ZSTD}: its size; {@link Form#CHUNKS}: the sum of the chunk files' sizes
     * @param storedChecksum {@link Form#ZSTD}: CRC32C of the compressed file (verified without decompressing)
     * @param chunks         {@link Form#CHUNKS}: the file's content in order
     * @param compressed     {@link Form#CHUNKS}: whether the chunk files are zstd frames
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Packed(Form form, String file, long storedBytes, String storedChecksum, List<Chunk> chunks, boolean compressed) {
        public Packed {
            chunks = chunks == null ? List.of() : List.copyOf(chunks);
        }
    }

    /** @param sha256 of the chunk's plain content (its name in the chunk store); {@code bytes}: its plain length */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Chunk(String sha256, long bytes) {}
}
