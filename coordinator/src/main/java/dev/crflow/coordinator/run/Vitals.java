package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.control.Status;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.ProcSampler;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.store.Checksums;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the coordinator shows of itself while it runs: {@code status.json} on every phase change, the heartbeat every
 * 5 s and resource samples every 3 s (from a background thread that only writes files, never decides anything).
 */
final class Vitals implements AutoCloseable {
    private final ControlDir ctl;
    private final Clock clock;
    private final String jobId;
    private final String host;
    private final Consumer<String> say;
    private volatile Phase phase = Phase.STARTING;
    private volatile int attempt;
    private volatile Optional<Integer> generation = Optional.empty();
    private volatile Optional<AppProcess> app = Optional.empty();
    private ScheduledExecutorService background;
    private FileChannel samples;

    Vitals(ControlDir ctl, Clock clock, String jobId, String host, Consumer<String> say) {
        this.ctl = ctl;
        this.clock = clock;
        this.jobId = jobId;
        this.host = host;
        this.say = say;
    }

    void attempt(int n) { attempt = n; }

    void generation(Optional<Integer> g) { generation = g; }

    void application(AppProcess a) { app = Optional.of(a); }

    Phase phase() { return phase; }

    /** Rewrites {@code status.json}; final phases are fsync'd. A failure is reported, never fatal. */
    void phase(Phase p, Optional<String> message) {
        phase = p;
        try {
            SafeFiles.writeAtomically(ctl.status(), SpecReader.mapper().writeValueAsBytes(status(message)),
                    p == Phase.COMPLETED || p == Phase.FAILED || p == Phase.STOPPED || p == Phase.CANCELLED);
        } catch (IOException e) {
            say.accept("cannot write " + ctl.status() + ": " + e.getMessage());
        }
    }

    private Status status(Optional<String> message) {
        return new Status(clock.instant(), phase, attempt, jobId, host, ProcessHandle.current().pid(),
                generation.orElse(null), message.orElse(null));
    }

    void start() throws IOException {
        samples = FileChannel.open(ctl.samples(), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS));
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "crflow-heartbeat");
            t.setDaemon(true);
            return t;
        });
        background.scheduleAtFixedRate(this::heartbeat, 0, 5, TimeUnit.SECONDS);
        background.schedule(Vitals::warmUpCommitPath, 2, TimeUnit.SECONDS);
        background.scheduleAtFixedRate(this::sample, 1, 3, TimeUnit.SECONDS);
    }

    private void heartbeat() {
        try {
            SafeFiles.writeAtomically(ctl.heartbeat(), SpecReader.mapper().writeValueAsBytes(status(Optional.empty())), false);
        } catch (IOException | RuntimeException e) {
            // a missed heartbeat is visible to readers as age; never stop the coordinator for it
        }
    }

    private void sample() {
        if (app.isEmpty()) return;
        try {
            ProcSampler.Sample s = ProcSampler.sampleGroup(app.get().pgid());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
            m.put("attempt", attempt);
            m.put("rssBytes", s.rssBytes());
            m.put("cpuSeconds", s.cpuSeconds());
            m.put("processes", s.processes());
            byte[] line = (SpecReader.mapper().writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8);
            samples.write(ByteBuffer.wrap(line));
        } catch (IOException | RuntimeException e) {
            // samples are for the report; losing one is fine
        }
    }

    /**
     * Loads and compiles what the first commit needs (manifest serialisation, checksums) while the application runs,
     * so that the first warning-signal checkpoint does not pay class loading inside its lead time (~1 s when busy).
     */
    private static void warmUpCommitPath() {
        try {
            Manifest m = new Manifest(Manifest.FORMAT, 0, "warm-up", "n/a", "host", "0", 0, "warm-up", Instant.now(), 0,
                    Checksums.ALGORITHM, 0, List.of(new Manifest.FileEntry("x", 0, "0")), Map.of());
            SpecReader.mapper().readValue(SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m), Manifest.class);
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 16);
            for (int i = 0; i < 64; i++) crc.update(b.duplicate());
        } catch (IOException | RuntimeException ignored) {
            // only an optimisation
        }
    }

    /** Stops the background thread and writes a last heartbeat (the final phase). */
    @Override
    public void close() {
        if (background != null) {
            background.shutdownNow();
            try {
                background.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heartbeat();
        }
        try {
            if (samples != null) samples.close();
        } catch (IOException ignored) {
            // closing an append-only log
        }
    }
}
