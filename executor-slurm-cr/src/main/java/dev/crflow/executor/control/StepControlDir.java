package dev.crflow.executor.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.control.Status;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.dsl.model.ModelJson;
import dev.crflow.dsl.model.Step;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A step's control directory (docs/contracts.md §2) as a driver sees it: the files the executor writes itself
 * (spec.json, job.sbatch, submit-intent.json, job.json) and, for everything the coordinator writes, the
 * coordinator's own library ({@link ControlDir}, {@link Journal}, {@link ImageStore}): one reader of those files.
 * Every read tolerates missing files and a torn last journal line.
 */
public final class StepControlDir {
    private static final ObjectMapper JSON = ControlJson.mapper();
    private final Path dir;
    private final ControlDir control;

    public StepControlDir(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.control = ControlDir.of(this.dir);
    }

    public Path path() { return dir; }
    /** The coordinator's view of the same directory. */
    public ControlDir control() { return control; }
    public Path spec() { return control.spec(); }
    public Path script() { return dir.resolve("job.sbatch"); }
    public Path submitIntent() { return dir.resolve("submit-intent.json"); }
    public Path job() { return dir.resolve("job.json"); }
    public Path stdout() { return dir.resolve("stdout.log"); }
    public Path stderr() { return dir.resolve("stderr.log"); }
    public Path journal() { return control.journal(); }
    public Path heartbeat() { return control.heartbeat(); }
    public Path status() { return control.status(); }
    public Path result() { return control.result(); }
    public Path requests() { return control.requests(); }
    public Path images() { return control.images(); }

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

    public Optional<SubmitIntent> readSubmitIntent() { return readJson(submitIntent(), SubmitIntent.class); }

    public Optional<JobRecord> readJob() { return readJson(job(), JobRecord.class); }

    /** {@code result.json}: written once by the coordinator at the step's final end. */
    public Optional<Result> readResult() { return control.readResult(); }

    /** The coordinator's current phase ({@code status.json}), e.g. RUNNING or CHECKPOINTING. */
    public Optional<Phase> readCoordinatorPhase() { return control.readStatus().map(Status::phase); }

    /** When the coordinator last beat (by the heartbeat's own timestamp). */
    public Optional<Instant> heartbeatTime() { return control.readHeartbeat().map(Status::time); }

    /** Every complete journal event (the coordinator's reader); an unreadable journal reads as empty. */
    public List<JournalEvent> readJournal() {
        try {
            return Journal.read(dir);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Every generation directory, oldest first, valid or not, as the coordinator judges them (manifest + sizes). */
    public List<Generation> generations() {
        try {
            return ImageStore.open(dir).list();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The generations the coordinator would restore from (manifest complete, sizes match), oldest first. */
    public List<Generation> validGenerations() {
        return generations().stream().filter(Generation::valid).toList();
    }

    @Override
    public String toString() { return dir.toString(); }
}
