package dev.crflow.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes synthetic step control directories in the layout of docs/contracts.md §2–3, for unit tests of
 * parsing and rendering (the integration test uses a real run's journals).
 */
final class JournalFixture {
    final Path ctl;
    private final List<String> journal = new ArrayList<>();
    private final List<String> samples = new ArrayList<>();

    JournalFixture(Path ctl) throws IOException {
        this.ctl = Files.createDirectories(ctl);
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    JournalFixture attemptStart(Instant t, int attempt, String jobId, String host, Integer fromGeneration) {
        journal.add(String.format(Locale.ROOT,
                "{\"event\":\"attempt-start\",\"time\":\"%s\",\"attempt\":%d,\"jobId\":%s,\"host\":%s,\"restartCount\":%d,\"fromGeneration\":%s,\"engine\":\"signal\",\"engineVersion\":\"1\"}",
                t, attempt, q(jobId), q(host), attempt - 1, fromGeneration == null ? "null" : fromGeneration.toString()));
        return this;
    }

    JournalFixture checkpoint(Instant t, int attempt, int generation, String trigger, long durationMs, long bytes, boolean ok, String error) {
        journal.add(String.format(Locale.ROOT,
                "{\"event\":\"checkpoint\",\"time\":\"%s\",\"attempt\":%d,\"generation\":%d,\"trigger\":%s,\"durationMs\":%d,\"bytes\":%d,\"ok\":%s,\"error\":%s}",
                t, attempt, generation, q(trigger), durationMs, bytes, ok, error == null ? "null" : q(error)));
        return this;
    }

    JournalFixture restore(Instant t, int attempt, int generation, boolean ok, Integer fallbackFrom, String message) {
        journal.add(String.format(Locale.ROOT,
                "{\"event\":\"restore\",\"time\":\"%s\",\"attempt\":%d,\"generation\":%d,\"ok\":%s,\"fallbackFrom\":%s,\"message\":%s}",
                t, attempt, generation, ok, fallbackFrom == null ? "null" : fallbackFrom.toString(), message == null ? "null" : q(message)));
        return this;
    }

    JournalFixture requeue(Instant t, int attempt) {
        journal.add(String.format(Locale.ROOT, "{\"event\":\"requeue\",\"time\":\"%s\",\"attempt\":%d,\"ok\":true,\"message\":\"scontrol requeue\"}", t, attempt));
        return this;
    }

    JournalFixture attemptEnd(Instant t, int attempt, String reason, Integer exitCode, double computeSeconds) {
        journal.add(String.format(Locale.ROOT,
                "{\"event\":\"attempt-end\",\"time\":\"%s\",\"attempt\":%d,\"reason\":%s,\"exitCode\":%s,\"computeSeconds\":%.1f}",
                t, attempt, q(reason), exitCode == null ? "null" : exitCode.toString(), computeSeconds));
        return this;
    }

    JournalFixture raw(String line) {
        journal.add(line);
        return this;
    }

    JournalFixture sample(Instant t, long rss, double cpuSeconds) {
        samples.add(String.format(Locale.ROOT, "{\"time\":\"%s\",\"rssBytes\":%d,\"cpuSeconds\":%.2f,\"processes\":2}", t, rss, cpuSeconds));
        return this;
    }

    JournalFixture spec(String name, int maxRestarts, String totalTime, int retry) throws IOException {
        Files.writeString(ctl.resolve("spec.json"), "{\"name\":" + q(name) + ",\"retry\":" + retry
                + ",\"checkpoint\":{\"engine\":\"SIGNAL\",\"interval\":\"PT2M\",\"maxRestarts\":" + maxRestarts
                + ",\"totalTime\":" + (totalTime == null ? "null" : q(totalTime)) + "}}");
        return this;
    }

    JournalFixture result(String outcome, int exitCode, int attempts, int restarts) throws IOException {
        Files.writeString(ctl.resolve("result.json"), String.format(Locale.ROOT,
                "{\"outcome\":%s,\"exitCode\":%d,\"attempts\":%d,\"restarts\":%d,\"retries\":0}", q(outcome), exitCode, attempts, restarts));
        return this;
    }

    JournalFixture heartbeat(Instant t, String host, String phase) throws IOException {
        Files.writeString(ctl.resolve("heartbeat"), String.format(Locale.ROOT,
                "{\"time\":\"%s\",\"pid\":42,\"host\":%s,\"jobId\":\"1\",\"phase\":%s}", t, q(host), q(phase)));
        return this;
    }

    JournalFixture generation(int n, int bytes) throws IOException {
        Path gen = Files.createDirectories(ctl.resolve("images").resolve(String.format(Locale.ROOT, "gen-%06d", n)));
        Files.write(gen.resolve("state.bin"), new byte[bytes]);
        Files.writeString(gen.resolve("MANIFEST.json"), "{\"generation\":" + n + "}");
        return this;
    }

    JournalFixture partialGeneration() throws IOException {
        Path gen = Files.createDirectories(ctl.resolve("images").resolve(".partial-123"));
        Files.write(gen.resolve("state.bin"), new byte[1000]);
        return this;
    }

    /** Writes journal.jsonl and samples.jsonl; {@code tornTail} is appended without a newline (a writer killed mid-line). */
    JournalFixture write(String tornTail) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : journal) b.append(l).append('\n');
        if (tornTail != null) b.append(tornTail);
        Files.writeString(ctl.resolve("journal.jsonl"), b.toString(), StandardCharsets.UTF_8);
        if (!samples.isEmpty()) {
            StringBuilder s = new StringBuilder();
            for (String l : samples) s.append(l).append('\n');
            Files.writeString(ctl.resolve("samples.jsonl"), s.toString(), StandardCharsets.UTF_8);
        }
        return this;
    }

    /**
     * The NERSC Fig. 4 story in one step: two periodic checkpoints, a preemption answered by a signal
     * checkpoint, a requeue gap, a second attempt that loses its node, a third that completes.
     */
    static JournalFixture story(Path ctl, Instant t0) throws IOException {
        JournalFixture f = new JournalFixture(ctl);
        f.spec("simulate", 5, "PT2H", 1);
        // attempt 1: 0 .. 29 min, periodic checkpoints at 8 and 16 min, preempted at 29 (signal checkpoint)
        f.attemptStart(t0, 1, "4711", "node-a", null);
        f.checkpoint(t0.plusSeconds(8 * 60), 1, 1, "interval", 14_000, 300L << 20, true, null);
        f.checkpoint(t0.plusSeconds(16 * 60), 1, 2, "interval", 15_000, 310L << 20, true, null);
        f.checkpoint(t0.plusSeconds(24 * 60), 1, 3, "interval", 2_000, 0, false, "engine timed out after 300s");
        f.checkpoint(t0.plusSeconds(29 * 60), 1, 3, "signal", 16_000, 320L << 20, true, null);
        f.requeue(t0.plusSeconds(29 * 60 + 2), 1);
        f.attemptEnd(t0.plusSeconds(29 * 60 + 3), 1, "preempted", 75, 29 * 60);
        // attempt 2: 45 .. 60 min, one checkpoint at 53, node lost at 60 (no attempt-end)
        f.attemptStart(t0.plusSeconds(45 * 60), 2, "4711", "node-b", 3);
        f.restore(t0.plusSeconds(45 * 60 + 20), 2, 3, true, null, null);
        f.checkpoint(t0.plusSeconds(53 * 60), 2, 4, "interval", 15_000, 330L << 20, true, null);
        // attempt 3: 63 .. 75 min, completes
        f.attemptStart(t0.plusSeconds(63 * 60), 3, "4711", "node-c", 4);
        f.restore(t0.plusSeconds(63 * 60 + 20), 3, 4, true, null, null);
        f.checkpoint(t0.plusSeconds(71 * 60), 3, 5, "interval", 14_000, 335L << 20, true, null);
        f.attemptEnd(t0.plusSeconds(75 * 60), 3, "completed", 0, 12 * 60);
        // samples every 20 s: memory grows slowly, spikes during checkpoints; CPU ~ 1 core, drops while checkpointing
        double cpu = 0;
        int[][] windows = {{0, 29 * 60 + 3}, {45 * 60, 60 * 60}, {63 * 60, 75 * 60}};
        for (int[] w : windows) {
            cpu = 0;
            for (int s = w[0] + 5; s <= w[1]; s += 20) {
                boolean inCkpt = Math.floorMod(s, 8 * 60) < 20 && s > 60;
                long rss = (long) ((900 + (s - w[0]) / 6.0) * (1 << 20)) + (inCkpt ? 260L << 20 : 0);
                cpu += inCkpt ? 3 : 19.5;
                f.sample(t0.plusSeconds(s), rss, cpu);
            }
        }
        f.generation(4, 4096).generation(5, 8192).partialGeneration();
        f.result("COMPLETED", 0, 3, 2);
        f.heartbeat(t0.plusSeconds(75 * 60), "node-c", "COMPLETED");
        return f;
    }
}
