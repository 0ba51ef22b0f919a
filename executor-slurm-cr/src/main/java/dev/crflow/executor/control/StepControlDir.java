package dev.crflow.executor.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.dsl.model.ModelJson;
import dev.crflow.dsl.model.Step;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A step's control directory (docs/contracts.md §2): the files the executor writes and the coordinator's
 * files it reads. Every read tolerates missing files and a torn last journal line.
 */
public final class StepControlDir {
    private static final ObjectMapper JSON = ControlJson.mapper();
    private final Path dir;

    public StepControlDir(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path path() { return dir; }
    public Path spec() { return dir.resolve("spec.json"); }
    public Path script() { return dir.resolve("job.sbatch"); }
    public Path submitIntent() { return dir.resolve("submit-intent.json"); }
    public Path job() { return dir.resolve("job.json"); }
    public Path stdout() { return dir.resolve("stdout.log"); }
    public Path stderr() { return dir.resolve("stderr.log"); }
    public Path journal() { return dir.resolve("journal.jsonl"); }
    public Path heartbeat() { return dir.resolve("heartbeat"); }
    public Path status() { return dir.resolve("status.json"); }
    public Path result() { return dir.resolve("result.json"); }
    public Path requests() { return dir.resolve("requests"); }
    public Path images() { return dir.resolve("images"); }

    public StepControlDir create() throws IOException {
        PrivateFiles.directory(dir);
        return this;
    }

    public void writeSpec(Step step) throws IOException {
        PrivateFiles.writeAtomically(spec(), ModelJson.toJson(step));
    }

    public void writeScript(String script) throws IOException {
        PrivateFiles.writeAtomically(script(), script);
    }

    public void writeJson(Path file, Object value) throws IOException {
        PrivateFiles.writeAtomically(file, JSON.writeValueAsString(value));
    }

    public <T> Optional<T> readJson(Path file, Class<T> type) {
        try {
            if (!Files.exists(file)) return Optional.empty();
            return Optional.of(JSON.readValue(file.toFile(), type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Optional<JsonNode> readTree(Path file) {
        try {
            if (!Files.exists(file)) return Optional.empty();
            return Optional.ofNullable(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Optional<SubmitIntent> readSubmitIntent() { return readJson(submitIntent(), SubmitIntent.class); }

    public Optional<JobRecord> readJob() { return readJson(job(), JobRecord.class); }

    /** {@code result.json}: written once by the coordinator at the step's final end. */
    public Optional<StepResult> readResult() { return readJson(result(), StepResult.class); }

    /** The coordinator's current phase ({@code status.json}), e.g. RUNNING or CHECKPOINTING. */
    public Optional<String> readCoordinatorPhase() {
        return readTree(status()).map(n -> n.path("phase").asText(n.path("state").asText(""))).filter(s -> !s.isEmpty());
    }

    /** Every complete journal line; a torn last line (a crash mid-write) is skipped. */
    public List<JournalEntry> readJournal() {
        List<JournalEntry> out = new ArrayList<>();
        if (!Files.exists(journal())) return out;
        List<String> lines;
        try {
            lines = Files.readAllLines(journal());
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            if (line.isBlank()) continue;
            try {
                JsonNode n = JSON.readTree(line);
                if (n != null && n.hasNonNull("event")) out.add(new JournalEntry(n));
            } catch (IOException ignored) {
                // torn line
            }
        }
        return out;
    }

    /** Appends an event of the driver's own (e.g. {@code attempt-lost}); see docs/contracts.md §3. */
    public void appendJournal(JsonNode event) throws IOException {
        // One line per event: never the mapper's indented form.
        PrivateFiles.appendLine(journal(), JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(event));
    }

    /** A manual-control request file ({@code checkpoint} or {@code stop}) for the coordinator. */
    public void request(String kind) throws IOException {
        PrivateFiles.directory(requests());
        PrivateFiles.writeAtomically(requests().resolve(kind), java.time.Instant.now().toString() + "\n");
    }

    /** Valid image generations (a generation is valid only once its MANIFEST.json exists), oldest first. */
    public List<ImageGeneration> generations() {
        return ImageGeneration.scan(images());
    }

    @Override
    public String toString() { return dir.toString(); }
}
