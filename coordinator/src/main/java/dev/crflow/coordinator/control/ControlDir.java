package dev.crflow.coordinator.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The step control directory {@code <ctl>} (docs/contracts.md §2): its paths, the manual-control request
 * files and read-only views of what the coordinator wrote. Safe to use from another process (driver, CLI)
 * while the coordinator runs: every file it reads is replaced atomically.
 */
public final class ControlDir {
    public static final String SPEC = "spec.json";
    public static final String JOURNAL = "journal.jsonl";
    public static final String HEARTBEAT = "heartbeat";
    public static final String SAMPLES = "samples.jsonl";
    public static final String STATUS = "status.json";
    public static final String RESULT = "result.json";
    public static final String REQUESTS = "requests";
    public static final String IMAGES = "images";
    /** Request file names inside {@code requests/}. */
    public static final String REQUEST_CHECKPOINT = "checkpoint";
    public static final String REQUEST_STOP = "stop";
    /** {@code requests/restore-generation}: the next attempt restores exactly this generation (crflow restart --generation). */
    public static final String REQUEST_RESTORE_GENERATION = "restore-generation";
    /** Written by the launch wrapper, inside the engine's process tree, only when the application returned by itself. */
    public static final String EXIT_MARKER = "app-exit";
    /** The running application's process group, so a later attempt can end leftovers of a killed coordinator. */
    public static final String APP_PROCESS = "app-process.json";
    public static final String LOCK = "coordinator.lock";

    private final Path root;

    private ControlDir(Path root) { this.root = root.toAbsolutePath().normalize(); }

    public static ControlDir of(Path ctl) { return new ControlDir(ctl); }

    public Path root() { return root; }
    public Path spec() { return root.resolve(SPEC); }
    public Path journal() { return root.resolve(JOURNAL); }
    public Path heartbeat() { return root.resolve(HEARTBEAT); }
    public Path samples() { return root.resolve(SAMPLES); }
    public Path status() { return root.resolve(STATUS); }
    public Path result() { return root.resolve(RESULT); }
    public Path requests() { return root.resolve(REQUESTS); }
    public Path images() { return root.resolve(IMAGES); }
    public Path exitMarker() { return root.resolve(EXIT_MARKER); }
    public Path appProcess() { return root.resolve(APP_PROCESS); }
    public Path lock() { return root.resolve(LOCK); }

    /**
     * Asks the running coordinator for a checkpoint ({@code stop}: then requeue nothing, end the step's
     * current attempt after committing — the seeds' manual "checkpoint and stop"). Returns the request id
     * that the journal's {@code request} and {@code checkpoint} events will carry.
     */
    public String requestCheckpoint(boolean stop) throws IOException {
        SafeFiles.ensureDir(requests());
        String id = UUID.randomUUID().toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("stop", stop);
        body.put("time", Instant.now().toString());
        SafeFiles.writeAtomically(requests().resolve(stop ? REQUEST_STOP : REQUEST_CHECKPOINT),
                SpecReader.mapper().writeValueAsString(body));
        return id;
    }

    /** The next attempt (a new job, or {@code run}) restores this generation instead of the newest valid one. */
    public void requestRestoreFrom(int generation) throws IOException {
        SafeFiles.ensureDir(requests());
        SafeFiles.writeAtomically(requests().resolve(REQUEST_RESTORE_GENERATION), Integer.toString(generation));
    }

    public Optional<Integer> pendingRestoreRequest() {
        try {
            return Optional.of(Integer.parseInt(Files.readString(requests().resolve(REQUEST_RESTORE_GENERATION)).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Optional<Result> readResult() { return readJson(result(), Result.class); }

    public Optional<Status> readStatus() { return readJson(status(), Status.class); }

    public Optional<Status> readHeartbeat() { return readJson(heartbeat(), Status.class); }

    /** Age of the last heartbeat, by its own timestamp; empty when there is none. */
    public Optional<Duration> heartbeatAge(Clock clock) {
        return readHeartbeat().map(h -> Duration.between(h.time(), clock.instant()));
    }

    public Optional<Duration> heartbeatAge() { return heartbeatAge(Clock.systemUTC()); }

    private static <T> Optional<T> readJson(Path file, Class<T> type) {
        ObjectMapper m = SpecReader.mapper();
        try {
            return Optional.of(m.readValue(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override public String toString() { return root.toString(); }
}
