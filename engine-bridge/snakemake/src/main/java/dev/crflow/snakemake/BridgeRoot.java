package dev.crflow.snakemake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.executor.control.PrivateFiles;
import dev.crflow.executor.control.StepControlDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where the bridge keeps its state: {@code <snakemake workdir>/.crflow/snakemake/} (0700).
 * <pre>
 *   steps/&lt;key&gt;/        one control directory per Snakemake job (docs/contracts.md §2)
 *   jobs/&lt;jobid&gt;.json    Slurm job id → key, for status and cancel
 *   finished/&lt;key&gt;.&lt;time&gt;/  a control directory whose step had ended when the same job was submitted again
 * </pre>
 * The key is the rule (or group) name, its wildcards and a hash of what defines the job's work (inputs, outputs,
 * params): stable when Snakemake is restarted and resubmits the same job, so a requeued or resubmitted job finds
 * its images; different as soon as the job would compute something else.
 */
public final class BridgeRoot {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");
    private final Path root;

    public BridgeRoot(Path root) { this.root = root.toAbsolutePath().normalize(); }

    public static BridgeRoot under(Path snakemakeWorkdir) { return new BridgeRoot(snakemakeWorkdir.resolve(".crflow").resolve("snakemake")); }

    public Path path() { return root; }

    public StepControlDir control(String key) { return new StepControlDir(root.resolve("steps").resolve(key)); }

    public Path jobIndex(String jobId) { return root.resolve("jobs").resolve(jobId + ".json"); }

    public static String key(JobProperties job) {
        StringBuilder name = new StringBuilder(job.name());
        for (String v : job.wildcards().values()) name.append('-').append(v);
        String readable = UNSAFE.matcher(name).replaceAll("_");
        if (readable.length() > 60) readable = readable.substring(0, 60);
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("type", job.type());
        identity.put("name", job.name());
        identity.put("rules", job.rules());
        identity.put("wildcards", new TreeMap<>(job.wildcards()));
        identity.put("input", job.input());
        identity.put("output", job.output());
        identity.put("params", new TreeMap<>(job.params()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(identity));
            return readable + "-" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records which key a Slurm job belongs to (0600, crash-safe). */
    public void index(String jobId, String key) throws IOException {
        PrivateFiles.directory(root);
        PrivateFiles.directory(root.resolve("jobs"));
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put("jobId", jobId);
        rec.put("key", key);
        rec.put("submitted", Instant.now().toString());
        PrivateFiles.writeAtomically(jobIndex(jobId), JSON.writeValueAsString(rec));
    }

    /** The control directory of a job this root submitted, if it did. */
    public Optional<IndexedJob> lookup(String jobId) {
        Path f = jobIndex(jobId);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
            String key = n.path("key").asText("");
            if (key.isEmpty()) return Optional.empty();
            Instant submitted = Instant.parse(n.path("submitted").asText(Instant.EPOCH.toString()));
            return Optional.of(new IndexedJob(jobId, key, control(key), submitted));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Moves an ended step's control directory aside so the next submission starts afresh (kept for reports). */
    public Path retire(String key) throws IOException {
        PrivateFiles.directory(root.resolve("finished"));
        Path target = root.resolve("finished").resolve(key + "." + Instant.now().toString().replace(':', '-'));
        Files.move(control(key).path(), target);
        return target;
    }

    public record IndexedJob(String jobId, String key, StepControlDir control, Instant submitted) {}
}
