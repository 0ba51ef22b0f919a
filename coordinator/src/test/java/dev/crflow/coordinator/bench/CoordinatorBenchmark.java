package dev.crflow.coordinator.bench;

import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.store.Checksums;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The coordinator's performance figures, each printed next to its target (docs/benchmarks/coordinator.md).
 * Not a test: run it in one go on an otherwise quiet machine.
 *
 * <pre>java -cp coordinator/target/crflow-coordinator.jar:coordinator/target/test-classes dev.crflow.coordinator.bench.CoordinatorBenchmark [DIR] [--app-seconds N] [--skip-overhead]</pre>
 * (a test class: benchmarks are not part of the production jar; the jar comes first on the class path and is the one
 * the start benchmark runs)
 */
public final class CoordinatorBenchmark {
    /** The JVM flags the executor renders (docs/contracts.md §5), as every coordinator IT runs with them. */
    public static final List<String> JVM_FLAGS = dev.crflow.coordinator.it.Harness.JVM_FLAGS;

    private static Path dir;
    private static Path jar;

    public static void main(String[] args) throws Exception {
        dir = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : System.getProperty("java.io.tmpdir"))
                .resolve("crflow-bench-" + ProcessHandle.current().pid());
        int appSeconds = 130;
        boolean overhead = true;
        java.util.Set<String> only = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--app-seconds")) appSeconds = Integer.parseInt(args[++i]);
            if (args[i].equals("--skip-overhead")) overhead = false;
            if (args[i].equals("--only")) only.add(args[++i]);
        }
        // the coordinator jar on the class path (this class lives in test-classes, outside the production jar)
        jar = Path.of(dev.crflow.coordinator.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.createDirectories(dir);
        System.out.println("crflow coordinator benchmark; work dir " + dir + "; " + Runtime.getRuntime().availableProcessors()
                + " cores; java " + System.getProperty("java.version"));
        System.out.println("coordinator JVM flags: " + String.join(" ", JVM_FLAGS));
        try {
            System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).trim());
            if (only.isEmpty() || only.contains("checksum")) checksums();
            if (only.isEmpty() || only.contains("commit")) commit();
            if (only.isEmpty() || only.contains("start")) startAndRss();
            if ((only.isEmpty() && overhead) || only.contains("overhead")) periodicOverhead(appSeconds);
            System.out.println("\nload average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
        } finally {
            deleteTree(dir);
        }
    }

    static void row(String what, String figure, String target) {
        System.out.printf("  %-58s %-26s %s%n", what, figure, target);
    }

    // ------------------------------------------------------------------ checksum

    static void checksums() throws Exception {
        System.out.println("\n[checksum] one core, 1 GiB");
        byte[] block = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(block);
        ByteBuffer direct = ByteBuffer.allocateDirect(block.length);
        direct.put(block).flip();
        int mib = 1024;
        for (int warm = 0; warm < 2; warm++) {
            CRC32C c = new CRC32C();
            for (int i = 0; i < 256; i++) { c.update(direct.duplicate()); }
        }
        long t0 = System.nanoTime();
        CRC32C crc = new CRC32C();
        for (int i = 0; i < mib; i++) crc.update(direct.duplicate());
        double crcGBs = gbPerS(mib, System.nanoTime() - t0);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 64; i++) sha.update(block);
        t0 = System.nanoTime();
        for (int i = 0; i < 256; i++) sha.update(block);
        double shaGBs = gbPerS(256, System.nanoTime() - t0);
        Path f = dir.resolve("checksum.bin");
        writeFile(f, 1L << 30);
        Checksums.of(f); // page cache warm
        t0 = System.nanoTime();
        Checksums.of(f);
        double fileGBs = gbPerS(1024, System.nanoTime() - t0);
        Files.delete(f);
        row("CRC32C, memory (JDK intrinsic)", String.format("%.2f GB/s", crcGBs), "target >= 1 GB/s per core");
        row("CRC32C, 1 GiB file in page cache (Checksums.of)", String.format("%.2f GB/s", fileGBs), "target >= 1 GB/s per core");
        row("SHA-256, memory (for comparison; not used)", String.format("%.2f GB/s", shaGBs), "baseline: too slow for the target");
    }

    static double gbPerS(long mib, long nanos) { return (mib * 1048576.0 / 1e9) / (nanos / 1e9); }

    // ------------------------------------------------------------------ commit

    static void commit() throws Exception {
        System.out.println("\n[commit] 1 GiB generation written by the engine inside the store (8 x 128 MiB), same filesystem");
        ImageStore warm = ImageStore.open(dir.resolve("ctl-warm"));
        ImageStore.Pending w = warm.begin("warm");
        Files.writeString(w.dir().resolve("x"), "warm-up: class loading and JIT out of the figures");
        w.commit(new ImageStore.Provenance("bench", "n/a", "host", "0", 1, "bench", 0, Map.of()));
        for (boolean durable : new boolean[]{true, false}) {
            Path ctl = dir.resolve(durable ? "ctl-durable" : "ctl-dirty");
            ImageStore store = ImageStore.open(ctl);
            ImageStore.Pending p = store.beginNamed(ImageStore.PARTIAL_PREFIX + "engine");
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Path f = p.dir().resolve("ckpt_" + i + ".img");
                writeFile(f, 128L << 20);
                files.add(f);
            }
            if (durable) for (Path f : files) try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) { ch.force(true); }
            long sumNanos = 0;
            for (Path f : files) {
                long t = System.nanoTime();
                Checksums.of(f);
                sumNanos += System.nanoTime() - t;
            }
            long t0 = System.nanoTime();
            Generation g = p.commit(new ImageStore.Provenance("bench", "n/a", "host", "0", 1, "bench", 0, Map.of()));
            long commitNanos = System.nanoTime() - t0;
            double checksumMs = sumNanos / 1e6;
            Map<String, Long> phases = p.timings();
            double totalMs = commitNanos / 1e6;
            String label = durable ? "data already on disk (engine fsync'd)" : "data dirty in page cache (DMTCP does not fsync)";
            row("commit total, " + label, String.format("%.0f ms", totalMs), "");
            row("  checksums alone, one thread (measured before)", String.format("%.0f ms", checksumMs), "");
            row("  phase: checksum + fsync of the files (parallel)", phases.get("checksumAndSyncMs") + " ms",
                    durable ? "" : "includes writing 1 GiB back to disk");
            row("  phase: manifest (write, fsync, rename) + dir fsyncs", phases.get("manifestMs") + " ms", "");
            row("  phase: rename to gen-NNNNNN + fsync(images/)", phases.get("renameMs") + " ms", "");
            row("  commit minus checksum+fsync phase", String.format("%.0f ms", totalMs - phases.get("checksumAndSyncMs")),
                    "target <= 100 ms");
            if (g.bytes() != 1L << 30) throw new IllegalStateException("unexpected size " + g.bytes());
            deleteTree(ctl);
        }
    }

    // ------------------------------------------------------------------ start, RSS

    static void startAndRss() throws Exception {
        System.out.println("\n[start and memory] java " + String.join(" ", JVM_FLAGS) + " -jar crflow-coordinator.jar run --local");
        startAndRss(List.of(), "");
        Path jsa = dir.resolve("crflow-coordinator.jsa");
        List<String> dump = new ArrayList<>();
        dump.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        dump.addAll(JVM_FLAGS);
        dump.addAll(List.of("-XX:ArchiveClassesAtExit=" + jsa, "-jar", jar.toString(), "self-test"));
        Process d = new ProcessBuilder(dump).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        d.waitFor();
        if (Files.exists(jsa)) {
            System.out.println("  with a class-data-sharing archive (-XX:SharedArchiveFile, written by `self-test`):");
            startAndRss(List.of("-XX:SharedArchiveFile=" + jsa), " [AppCDS]");
        }
    }

    static void startAndRss(List<String> extraFlags, String label) throws Exception {
        List<Double> starts = new ArrayList<>();
        List<Double> cpus = new ArrayList<>();
        long hwm = 0;
        for (int i = 0; i < 5; i++) {
            Path root = dir.resolve("start-" + i);
            Path ctl = root.resolve("ctl");
            Path work = root.resolve("work");
            Files.createDirectories(ctl);
            Files.createDirectories(work);
            // the application records when it started, then keeps a 64 MiB state the coordinator checkpoints on request
            writeSpec(ctl, work, "date +%s%N > started; head -c 67108864 /dev/zero > state; sleep 30", "SIGNAL", null);
            long t0 = System.currentTimeMillis();
            Process p = coordinator(ctl, root, extraFlags);
            Path started = work.resolve("started");
            while (!Files.exists(started) || Files.size(started) == 0) Thread.sleep(2);
            cpus.add(cpuSeconds(p.pid()));
            while (Files.size(started) == 0) Thread.sleep(1);
            long appNanosEpoch = Long.parseLong(Files.readString(started).trim());
            starts.add((appNanosEpoch / 1e6 - t0) / 1000.0);
            if (i == 0) {
                while (!Files.exists(work.resolve("state")) || Files.size(work.resolve("state")) < 67108864L) Thread.sleep(10);
                Path req = ctl.resolve("requests");
                Files.createDirectories(req);
                Files.writeString(req.resolve("checkpoint"), "{\"id\":\"bench\"}");
                while (Journal.read(ctl).stream().noneMatch(e -> e.is(JournalEvent.CHECKPOINT))) Thread.sleep(20);
                Thread.sleep(3000); // a heartbeat and a sample or two
            }
            hwm = Math.max(hwm, vmHwmKb(p.pid()));
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            if (p.isAlive()) p.destroyForcibly().waitFor();
            deleteTree(root);
        }
        starts.sort(Comparator.naturalOrder());
        row("coordinator start -> application running (median of 5)" + label, String.format("%.2f s (min %.2f, max %.2f)", starts.get(2),
                starts.get(0), starts.get(4)), "target <= 1 s");
        cpus.sort(Comparator.naturalOrder());
        row("  its CPU time (all JVM threads) until then, median" + label, String.format("%.2f s", cpus.get(2)),
                "load-independent: wall time on an idle core is about this or less");
        row("coordinator peak RSS (VmHWM), incl. a 64 MiB checkpoint" + label, String.format("%.1f MB", hwm / 1024.0), "target <= 64 MB");
    }

    static double cpuSeconds(long pid) throws IOException {
        String st = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static long vmHwmKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return 0;
    }

    // ------------------------------------------------------------------ periodic checkpoint overhead

    static void periodicOverhead(int appSeconds) throws Exception {
        boolean dmtcp = dev.crflow.coordinator.engine.DmtcpInstall.locate(System.getenv()).isPresent();
        String engine = dmtcp ? "DMTCP" : "SIGNAL";
        System.out.println("\n[periodic checkpoints] CPU-bound application (~" + appSeconds + " s of work), engine "
                + engine.toLowerCase() + ", interval 60 s vs none");
        // fixed work, not fixed time: the run with checkpoints takes longer by exactly their cost
        long iterations = calibrate(appSeconds);
        // /usr/bin/time: the application's own CPU time, which the machine's load does not inflate the way it does wall time
        String app = "/usr/bin/time -f '%U %S' -o cpu.txt python3 -c 'import sys\nx=0\nfor i in range(" + iterations
                + "):\n    x=(x*31+i)%1000003\nopen(\"state\",\"w\").write(str(x))'";
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        List<Long> costs = new ArrayList<>();
        for (String interval : new String[]{null, "PT60S"}) {
            Path root = dir.resolve("overhead-" + (interval == null ? "none" : "60s"));
            Path ctl = root.resolve("ctl");
            Path work = root.resolve("work");
            Files.createDirectories(ctl);
            Files.createDirectories(work);
            writeSpec(ctl, work, app, engine, interval);
            long t0 = System.nanoTime();
            Process p = coordinator(ctl, root);
            int rc = p.waitFor();
            double s = (System.nanoTime() - t0) / 1e9;
            seconds.put(interval == null ? "none" : "60s", s);
            try {
                String[] uc = Files.readString(work.resolve("cpu.txt")).trim().split("\\s+");
                cpu.put(interval == null ? "none" : "60s", Double.parseDouble(uc[uc.length - 2]) + Double.parseDouble(uc[uc.length - 1]));
            } catch (IOException | RuntimeException e) {
                cpu.put(interval == null ? "none" : "60s", Double.NaN);
            }
            for (JournalEvent e : Journal.read(ctl)) {
                if (e.is(JournalEvent.CHECKPOINT) && e.ok().orElse(false)) costs.add(e.durationMs().orElse(0L));
            }
            if (rc != 0) System.out.println("  (run ended with " + rc + ", see " + root.resolve("coordinator.log") + ")");
        }
        double base = seconds.get("none");
        double with = seconds.get("60s");
        row("run time without checkpoints", String.format("%.1f s", base), "baseline");
        row("run time with a checkpoint every 60 s (" + costs.size() + " taken)", String.format("%.1f s", with), "");
        row("overhead, wall time", String.format("%.2f %%", 100 * (with - base) / base), "noisy on a shared machine");
        row("application CPU time without / with checkpoints", String.format("%.1f s / %.1f s", cpu.get("none"), cpu.get("60s")), "");
        row("overhead, application CPU time", String.format("%.2f %%", 100 * (cpu.get("60s") - cpu.get("none")) / cpu.get("none")),
                "compare: bare checkpoint cost below");
        row("bare checkpoint cost (" + engine.toLowerCase() + ", mean incl. commit)", costs.isEmpty() ? "n/a"
                : String.format("%.0f ms", costs.stream().mapToLong(Long::longValue).average().orElse(0)),
                "expected overhead ~ cost / 60 s = " + (costs.isEmpty() ? "n/a"
                : String.format("%.2f %%", 100 * costs.stream().mapToLong(Long::longValue).average().orElse(0) / 60000.0)));
    }

    static long calibrate(int seconds) throws Exception {
        long n = 2_000_000;
        Process p = new ProcessBuilder("python3", "-c", "import time\nt=time.time()\nx=0\nfor i in range(" + n
                + "):\n    x=(x*31+i)%1000003\nprint(time.time()-t)").redirectErrorStream(true).start();
        double s = Double.parseDouble(new String(p.getInputStream().readAllBytes()).trim());
        p.waitFor();
        return (long) (n * seconds / s);
    }

    // ------------------------------------------------------------------ helpers

    static Process coordinator(Path ctl, Path root) throws IOException { return coordinator(ctl, root, List.of()); }

    static Process coordinator(Path ctl, Path root, List<String> extraFlags) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(extraFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "run", "--control", ctl.toString(), "--local"));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("coordinator.log").toFile())).start();
    }

    static void writeSpec(Path ctl, Path work, String command, String engine, String interval) throws IOException {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("engine", engine);
        policy.put("interval", interval);
        policy.put("signal", "USR1");
        policy.put("lead", "PT60S");
        policy.put("forward", engine.equals("SIGNAL") ? "USR1" : null);
        policy.put("state", engine.equals("SIGNAL") ? List.of("state") : List.of());
        policy.put("keep", 2);
        policy.put("maxRestarts", 5);
        policy.put("totalTime", null);
        writeSpec(ctl, work, command, policy);
    }

    /** {@code <ctl>/spec.json} for a one-step "bench" running {@code command} in {@code work} under {@code policy}. */
    static void writeSpec(Path ctl, Path work, String command, Map<String, Object> policy) throws IOException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "bench");
        spec.put("command", Map.of("kind", "COMMAND", "text", command));
        spec.put("workdir", work.toString());
        spec.put("env", Map.of());
        spec.put("checkpoint", policy);
        spec.put("retry", 0);
        Files.writeString(ctl.resolve("spec.json"), SpecReader.mapper().writeValueAsString(spec));
    }

    static void writeFile(Path f, long bytes) throws IOException {
        byte[] block = new byte[1 << 20];
        ThreadLocalRandom.current().nextBytes(block);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long w = 0; w < bytes; w += block.length) ch.write(ByteBuffer.wrap(block));
        }
    }

    static void deleteTree(Path p) throws IOException {
        dev.crflow.coordinator.control.SafeFiles.deleteTree(p);
    }
}
