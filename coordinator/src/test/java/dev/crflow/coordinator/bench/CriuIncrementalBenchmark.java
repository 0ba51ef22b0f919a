package dev.crflow.coordinator.bench;

import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 14 item 3: periodic CRIU checkpoints of a process holding ≥ 1 GiB that rewrites ~5 % of its memory per
 * interval, with {@code incremental false} (every checkpoint a full dump, the baseline) and {@code incremental true},
 * through the real coordinator jar and the real CRIU. Prints, per periodic checkpoint, the bytes the generation stores
 * (what is checksummed, fsync'd and kept) and the checkpoint's time (dump + delta + commit, as journalled).
 *
 * <pre>java -cp coordinator/target/crflow-coordinator.jar:coordinator/target/test-classes \
 *   dev.crflow.coordinator.bench.CriuIncrementalBenchmark DIR [--mib 1024] [--interval 10] [--checkpoints 6] [--rounds 1]</pre>
 *
 * The application is {@code src/test/resources/bench/churn.c}, compiled here with the machine's {@code cc}. Needs root
 * and a CRIU that passes {@code criu check} ({@code CRFLOW_CRIU} or {@code criu} on PATH).
 */
public final class CriuIncrementalBenchmark {
    private CriuIncrementalBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "/tmp").resolve("crflow-criu-incr-bench");
        int mib = intArg(args, "--mib", 1024);
        int interval = intArg(args, "--interval", 10);
        int checkpoints = intArg(args, "--checkpoints", 6);
        Path jar = Path.of(dev.crflow.coordinator.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        deleteTree(dir);
        Files.createDirectories(dir);
        Path churn = build(dir);
        System.out.printf("[criu incremental] %d MiB process rewriting ~5 %% of its pages per %d s interval, %d periodic checkpoints each%n",
                mib, interval, checkpoints);
        // the two modes alternate, round after round, so a busy moment of a shared machine does not land on one of them only
        int rounds = intArg(args, "--rounds", 1);
        List<Checkpoint> fullAll = new ArrayList<>();
        List<Checkpoint> incrAll = new ArrayList<>();
        // each run's generations are deleted right after it: a full-dump run leaves ~7 GiB in the page cache, which made
        // the run after it slower (seen: the identical first dump 2-3x slower right after a full-dump run)
        for (int r = 1; r <= rounds; r++) {
            for (boolean incremental : r % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                Path runDir = dir.resolve((incremental ? "incremental-" : "full-") + r);
                Run run = run(jar, runDir, churn, mib, interval, checkpoints, incremental);
                run.print("round " + r + ": incremental " + incremental + (incremental ? "" : " (baseline: full dumps)"));
                (incremental ? incrAll : fullAll).addAll(run.later());
                deleteTree(runDir);
            }
        }
        Run full = new Run(prepend(fullAll));
        Run incr = new Run(prepend(incrAll));
        System.out.printf("  all rounds, periodic checkpoints after the first of each run (medians of %d):%n", fullAll.size());
        System.out.printf("    full dumps:   %,d bytes  %d ms (dump %d, delta %d, commit %d)%n", full.medianLaterBytes(), full.medianLaterMs(),
                full.medianLater(Checkpoint::dumpMs), full.medianLater(Checkpoint::deltaMs), full.medianLater(Checkpoint::commitMs));
        System.out.printf("    incremental:  %,d bytes  %d ms (dump %d, delta %d, commit %d)%n", incr.medianLaterBytes(), incr.medianLaterMs(),
                incr.medianLater(Checkpoint::dumpMs), incr.medianLater(Checkpoint::deltaMs), incr.medianLater(Checkpoint::commitMs));
        System.out.printf("  after the first: stored bytes per checkpoint %.1f %% of a full dump, time %.0f %% of a full dump's%n",
                100.0 * incr.medianLaterBytes() / full.medianLaterBytes(), 100.0 * incr.medianLaterMs() / full.medianLaterMs());
    }

    /** {@code commitMs}: checksum + fsync + manifest + rename; {@code deltaMs}: the page comparison; the rest is criu dump. */
    record Checkpoint(int generation, long bytes, long ms, long commitMs, long deltaMs, String parent, Object pagesWritten,
                      Object pagesFromParent) {
        long dumpMs() { return ms - commitMs - deltaMs; }
    }

    /** A placeholder first entry, so that {@link Run#later()} of merged rounds is every checkpoint given. */
    static List<Checkpoint> prepend(List<Checkpoint> later) {
        List<Checkpoint> out = new ArrayList<>();
        out.add(later.get(0));
        out.addAll(later);
        return out;
    }

    record Run(List<Checkpoint> periodic) {
        List<Checkpoint> later() { return periodic.subList(1, periodic.size()); }

        long medianLaterBytes() { return median(periodic.subList(1, periodic.size()).stream().mapToLong(Checkpoint::bytes).toArray()); }
        long medianLaterMs() { return median(periodic.subList(1, periodic.size()).stream().mapToLong(Checkpoint::ms).toArray()); }
        long medianLater(java.util.function.ToLongFunction<Checkpoint> f) {
            return median(periodic.subList(1, periodic.size()).stream().mapToLong(f).toArray());
        }

        void print(String title) {
            System.out.println("  " + title);
            for (Checkpoint c : periodic) {
                System.out.printf("    gen %2d  %,15d bytes  %6d ms (dump %5d, delta %5d, commit %5d)  parent %-2s pages written %s, from parent %s%n",
                        c.generation(), c.bytes(), c.ms(), c.dumpMs(), c.deltaMs(), c.commitMs(), c.parent(), c.pagesWritten(), c.pagesFromParent());
            }
            System.out.printf("    first periodic checkpoint %,d bytes %d ms; later ones (median) %,d bytes %d ms (dump %d, delta %d, commit %d)%n",
                    periodic.get(0).bytes(), periodic.get(0).ms(), medianLaterBytes(), medianLaterMs(), medianLater(Checkpoint::dumpMs),
                    medianLater(Checkpoint::deltaMs), medianLater(Checkpoint::commitMs));
        }
    }

    static long median(long[] v) {
        long[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static Path build(Path dir) throws Exception {
        Path src = dir.resolve("churn.c");
        try (InputStream in = CriuIncrementalBenchmark.class.getResourceAsStream("/bench/churn.c")) {
            Files.copy(in, src);
        }
        Path bin = dir.resolve("churn");
        Process cc = new ProcessBuilder("cc", "-O2", "-o", bin.toString(), src.toString()).inheritIO().start();
        if (cc.waitFor() != 0) throw new IllegalStateException("cc failed to build " + src);
        return bin;
    }

    private static Run run(Path jar, Path root, Path churn, int mib, int interval, int checkpoints, boolean incremental) throws Exception {
        Path ctl = root.resolve("ctl");
        Path work = root.resolve("work");
        Files.createDirectories(work);
        Files.createDirectories(ctl);
        Files.writeString(ctl.resolve("spec.json"), SpecReader.mapper().writeValueAsString(spec(work, churn, mib, interval, incremental)));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "run", "--control", ctl.toString(), "--local").redirectErrorStream(true)
                .redirectOutput(root.resolve("coordinator.log").toFile());
        pb.environment().put("CRFLOW_JOB_ID", "bench");
        Process p = pb.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds((long) (checkpoints + 3) * interval * 6L + 120));
        while (periodic(ctl).size() < checkpoints) {
            if (!p.isAlive()) throw new IllegalStateException("the coordinator ended early; see " + root.resolve("coordinator.log"));
            if (Instant.now().isAfter(deadline)) throw new IllegalStateException("no " + checkpoints + " checkpoints by the deadline");
            Thread.sleep(500);
        }
        Posix.signalProcess((int) p.pid(), Signals.number("USR1")); // the stop dump ends the run; it is not counted
        p.waitFor();
        List<Checkpoint> out = new ArrayList<>();
        for (JournalEvent e : periodic(ctl).subList(0, checkpoints)) {
            int n = e.generation().orElseThrow();
            Manifest m = ImageStore.readManifest(root.resolve("ctl/images").resolve(String.format("gen-%06d", n)))
                    .orElse(null); // pruned by keep: the journal's figures still hold
            long commit = e.raw().get("commit") instanceof Map<?, ?> c
                    ? c.values().stream().mapToLong(v -> ((Number) v).longValue()).sum() : 0;
            long delta = m != null && m.engineData().get("deltaMs") instanceof Number d ? d.longValue() : 0;
            out.add(new Checkpoint(n, e.bytes().orElseThrow(), e.durationMs().orElseThrow(), commit, delta,
                    m == null ? "?" : m.parent().map(String::valueOf).orElse("-"),
                    m == null ? "?" : m.engineData().getOrDefault("pagesWritten", "all"),
                    m == null ? "?" : m.engineData().getOrDefault("pagesFromParent", 0)));
        }
        return new Run(out);
    }

    private static List<JournalEvent> periodic(Path ctl) throws IOException {
        if (!Files.exists(ctl.resolve("journal.jsonl"))) return List.of();
        return Journal.read(ctl).stream().filter(e -> e.is(JournalEvent.CHECKPOINT) && e.ok().orElse(false)
                && "interval".equals(e.trigger().orElse(""))).toList();
    }

    private static final int KEEP_ALL = 50;

    private static Map<String, Object> spec(Path work, Path churn, int mib, int interval, boolean incremental) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "churn");
        spec.put("after", List.of());
        spec.put("command", Map.of("kind", "COMMAND", "text", "exec " + churn + " " + mib + " " + interval));
        spec.put("workdir", work.toString());
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("time", "PT2H");
        res.put("nodes", 1);
        res.put("ntasks", 1);
        res.put("cpusPerTask", 1);
        spec.put("resources", res);
        spec.put("env", Map.of());
        spec.put("modules", List.of());
        spec.put("sbatchExtra", List.of());
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("engine", "CRIU");
        policy.put("interval", "PT" + interval + "S");
        policy.put("signal", "USR1");
        policy.put("lead", "PT60S");
        policy.put("state", List.of());
        policy.put("keep", KEEP_ALL); // every generation stays for the table (pruning is not what is measured)
        policy.put("maxRestarts", 10);
        policy.put("incremental", incremental);
        spec.put("checkpoint", policy);
        spec.put("retry", 0);
        spec.put("declaredAt", Map.of("file", "bench.crflow", "line", 1, "column", 1));
        return spec;
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return dflt;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path x : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) Files.deleteIfExists(x);
        }
    }
}
