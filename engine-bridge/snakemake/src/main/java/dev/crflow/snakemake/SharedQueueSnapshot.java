package dev.crflow.snakemake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.executor.control.PrivateFiles;
import dev.crflow.executor.slurm.QueueEntry;
import dev.crflow.executor.slurm.QueueSnapshot;
import dev.crflow.executor.slurm.SlurmState;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * ONE {@code squeue} shared by every {@code crflow snakemake status} process: Snakemake runs the status command
 * once per job (up to {@code --max-status-checks-per-second}), so each call reads a small file cache
 * ({@code squeue-<user>.json}) and only a call that finds it older than the time-to-live refreshes it, holding
 * an exclusive lock ({@link FileChannel#lock()}) so that concurrent callers wait for that one refresh instead of
 * running squeue themselves. A failed squeue is cached too (as "unknown"): a slow controller is not hammered,
 * and "unknown" is never read as "gone".
 */
public final class SharedQueueSnapshot {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path cacheFile;
    private final Path lockFile;
    private final Duration ttl;
    private final Clock clock;
    private final Supplier<QueueSnapshot> squeue;

    public SharedQueueSnapshot(Path cacheDir, String user, Duration ttl, Clock clock, Supplier<QueueSnapshot> squeue) {
        this.cacheFile = cacheDir.resolve("squeue-" + user + ".json");
        this.lockFile = cacheDir.resolve("squeue-" + user + ".lock");
        this.ttl = ttl;
        this.clock = clock;
        this.squeue = squeue;
    }

    /** {@code $CRFLOW_CACHE_DIR}, else {@code $XDG_CACHE_HOME/crflow}, else {@code ~/.cache/crflow}. */
    public static Path defaultCacheDir() {
        String dir = System.getenv("CRFLOW_CACHE_DIR");
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "crflow");
        return Path.of(System.getProperty("user.home"), ".cache", "crflow");
    }

    public Path cacheFile() { return cacheFile; }

    /** A snapshot no older than the time-to-live; at most one squeue per time-to-live across processes. */
    public QueueSnapshot get() throws IOException {
        Cached fresh = readIfFresh();
        if (fresh != null) return fresh.toSnapshot();
        PrivateFiles.directory(cacheFile.getParent());
        // A file lock is held per JVM, not per thread: threads of one JVM (the benchmark, tests) queue here first.
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-------"));
            fresh = readIfFresh();          // another process refreshed it while we waited for the lock
            if (fresh != null) return fresh.toSnapshot();
            QueueSnapshot snap = squeue.get();
            PrivateFiles.writeAtomically(cacheFile, JSON.writeValueAsBytes(Cached.of(snap)));
            return snap;
        } finally {
            inProcess.unlock();
        }
    }

    private Cached readIfFresh() {
        try {
            if (!Files.isRegularFile(cacheFile)) return null;
            Cached c = JSON.readValue(cacheFile.toFile(), Cached.class);
            Instant taken = Instant.parse(c.takenAt());
            Instant now = clock.instant();
            Duration age = Duration.between(taken, now);
            return !age.isNegative() && age.compareTo(ttl) < 0 ? c : null;
        } catch (IOException | RuntimeException e) {
            return null;    // torn or foreign file: refresh it
        }
    }

    /** The file's shape: small and stable. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cached(String takenAt, boolean known, String problem, List<Entry> jobs) {
        static Cached of(QueueSnapshot s) {
            List<Entry> jobs = new ArrayList<>();
            for (QueueEntry e : s.entries()) {
                jobs.add(new Entry(e.jobId(), e.arrayJobId(), e.arrayTask(), e.name(), e.state().name(), e.reason(), e.nodes()));
            }
            return new Cached(s.takenAt().toString(), s.known(), s.problem(), jobs);
        }

        QueueSnapshot toSnapshot() {
            Instant taken = Instant.parse(takenAt);
            if (!known) return QueueSnapshot.unknown(taken, problem);
            List<QueueEntry> entries = new ArrayList<>();
            for (Entry e : jobs) {
                entries.add(new QueueEntry(e.id(), e.arrayJobId(), e.arrayTask(), e.name(), SlurmState.parse(e.state()),
                        e.reason() == null ? "" : e.reason(), e.nodes() == null ? List.of() : e.nodes()));
            }
            return QueueSnapshot.of(taken, entries);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String id, String arrayJobId, String arrayTask, String name, String state, String reason, List<String> nodes) {}
}
