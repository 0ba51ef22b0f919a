package dev.crflow.coordinator.bench;

import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.store.DiskUsage;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Image storage (issue 16 item 2): a process of MIB MiB that rewrites 10 % of its memory between checkpoints, GENS
 * generations (GENS-1 manual checkpoints while it runs, then the warning signal), today's full copies next to
 * compression + deduplication. Prints bytes stored, the warning → coordinator exit time, the restart (start →
 * application running) from the newest generation and from a packed one (after a kill -9, as after a node loss).
 *
 * <pre>
 * java -cp JAR:coordinator/target/test-classes dev.crflow.coordinator.bench.StorageBenchmark DIR JAR [--engine dmtcp|criu] [--mib 1024] [--gens 5]
 * </pre>
 * The churn program (test resource bench/churn-rounds.c) is compiled with cc at the start. A program, not a test: it
 * asserts nothing about durations.
 */
public final class StorageBenchmark {
    static final List<String> JVM_FLAGS = CoordinatorBenchmark.JVM_FLAGS;
    static Path jar;

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]).toAbsolutePath();
        jar = Path.of(args[1]).toAbsolutePath();
        String engine = "dmtcp";
        int mib = 1024;
        int gens = 5;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--engine" -> engine = args[++i];
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--gens" -> gens = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        Files.createDirectories(base);
        Path churn = base.resolve("churn");
        Path src = base.resolve("churn.c");
        try (InputStream in = StorageBenchmark.class.getResourceAsStream("/bench/churn-rounds.c")) {
            Files.copy(in, src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        run(List.of("cc", "-O2", "-o", churn.toString(), src.toString()));
        System.out.printf("image storage: engine %s, %d MiB process, 10 %% rewritten per generation, %d generations, load %s%n",
                engine, mib, gens, Files.readString(Path.of("/proc/loadavg")).trim());
        List<Result> results = new ArrayList<>();
        for (boolean packed : new boolean[] {false, true}) results.add(one(base, churn, engine, mib, gens, packed));
        System.out.println();
        System.out.println("| storage | bytes stored, " + gens + " generations | after the next attempt packed the last | checkpoint (mean, journal) | background pack per generation (mean) | warning -> coordinator exit | restart from the newest generation (plain: the stop never packs) | restart after kill -9 from a packed generation (the newest; CRIU: the one before, by number) | coordinator peak RSS (VmHWM) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Result r : results) System.out.println(r.row());
    }

    record Result(String mode, long bytes, long bytesAfter, double ckptMs, double packMs, double packCpuMs, long stopMs,
                  long restartMs, long restartCpuMs, long restartPackedMs, long restartPackedCpuMs, long rssKb) {
        String row() {
            return String.format("| %s | %.2f GiB | %.2f GiB | %.0f ms | %s | %.1f s | %.1f s (CPU %.1f s) | %.1f s (CPU %.1f s) | %d MB |", mode,
                    bytes / 1073741824.0, bytesAfter / 1073741824.0, ckptMs,
                    packMs < 0 ? "—" : String.format("%.1f s (CPU %.1f s)", packMs / 1000, packCpuMs / 1000), stopMs / 1000.0,
                    restartMs / 1000.0, restartCpuMs / 1000.0, restartPackedMs / 1000.0, restartPackedCpuMs / 1000.0, rssKb / 1024);
        }
    }

    /** The coordinator JVM's CPU time so far (JVM start included): what a restart costs, whatever the neighbours do. */
    static long cpuMs(Process p) {
        return p.toHandle().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    static Result one(Path base, Path churn, String engine, int mib, int gens, boolean packed) throws Exception {
        String mode = packed ? "compress + dedup (default)" : "full copies (compress false; dedup false)";
        Path root = base.resolve(engine + (packed ? "-packed" : "-plain"));
        dev.crflow.coordinator.control.SafeFiles.deleteTree(root);
        Path ctl = root.resolve("ctl");
        Path work = root.resolve("work");
        Files.createDirectories(ctl);
        Files.createDirectories(work);
        writeSpec(ctl, work, churn + " " + mib + " 10", engine.toUpperCase(), gens, packed);
        Path log = root.resolve("coordinator.log");
        System.out.println("== " + mode + " (log " + log + ")");
        boolean criu = engine.equals("criu");
        Process c = coordinator(ctl, root);
        waitFor("the application filled its memory", 600, () -> round(work) >= 0);
        List<Long> packMs = new ArrayList<>();
        List<Long> packCpu = new ArrayList<>();
        for (int k = 1; k < gens; k++) {
            churnRound(work, k);
            Files.createDirectories(ctl.resolve("requests"));
            Files.writeString(ctl.resolve("requests").resolve("checkpoint"), "{\"id\":\"bench-" + k + "\"}");
            int want = k;
            waitFor("checkpoint " + k, 600, () -> checkpoints(ctl).size() >= want);
            // CRIU's newest generation stays plain (the parent of a next incremental dump): it is packed once a newer one exists
            int packable = criu ? k - 1 : k;
            if (packed && packable >= 1) {
                waitFor("generation " + packable + " packed", 600, () -> read(log).contains("generation " + packable + " packed in the background"));
                packMs.add(packMillis(read(log), packable));
                packCpu.add(packCpuMillis(read(log), packable));
            }
            System.out.println("  generation " + k + ": " + checkpoints(ctl).get(k - 1).durationMs().orElse(-1L) + " ms checkpoint"
                    + (packed && packable >= 1 ? "; generation " + packable + " packed in " + packMs.get(packMs.size() - 1) + " ms ("
                    + packCpu.get(packCpu.size() - 1) + " ms CPU)" : ""));
        }
        churnRound(work, gens);
        long rssKb = vmHwmKb(c);
        long rss1 = rssKb;
        long t0 = System.nanoTime();
        Posix.signalProcess((int) c.pid(), Signals.number("USR1"));
        if (!c.waitFor(600, TimeUnit.SECONDS)) throw new IllegalStateException("no exit after the warning; see " + log);
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        if (c.exitValue() != 75) throw new IllegalStateException("exit " + c.exitValue() + " after the warning; see " + log);
        long bytes = DiskUsage.bytes(ctl.resolve("images"));
        double ckptMs = checkpoints(ctl).stream().mapToLong(e -> e.durationMs().orElse(0L)).average().orElse(0);
        System.out.println("  warning -> exit " + stopMs + " ms; images " + bytes + " bytes");

        long t1 = System.nanoTime();
        Process c2 = coordinator(ctl, root);
        waitFor("attempt 2 running", 600, () -> read(log).contains("attempt 2 of step"));
        long restartMs = (System.nanoTime() - t1) / 1_000_000;
        long restartCpuMs = cpuMs(c2);
        // the next attempt packs what the last one left plain (CRIU: all but the newest)
        int lastPackable = criu ? gens - 1 : gens;
        if (packed) waitFor("generation " + lastPackable + " packed", 600, () -> read(log).contains("generation " + lastPackable + " packed in the background"));
        long rss2 = vmHwmKb(c2);
        rssKb = Math.max(rssKb, rss2);
        long bytesAfter = DiskUsage.bytes(ctl.resolve("images"));
        boolean newestPacked = ImageStore.readManifest(ImageStore.open(ctl).get(gens).orElseThrow().path()).orElseThrow()
                .files().stream().noneMatch(Manifest.FileEntry::isPlain);
        System.out.println("  restart " + restartMs + " ms (coordinator CPU " + restartCpuMs + " ms); images " + bytesAfter + " bytes; generation " + gens + " packed: " + newestPacked);

        // a node loss: coordinator and application killed; the next start kills the leftovers and restores (CRIU: from
        // the newest packed generation, asked for by number, since its newest one stays plain)
        c2.destroyForcibly().waitFor();
        int from = criu && packed ? gens - 1 : gens;
        long t2 = System.nanoTime();
        Process c3 = criu && packed ? coordinator(ctl, root, "--generation", Integer.toString(from)) : coordinator(ctl, root);
        waitFor("attempt 3 running", 600, () -> read(log).contains("attempt 3 of step"));
        long restartPackedMs = (System.nanoTime() - t2) / 1_000_000;
        long restartPackedCpuMs = cpuMs(c3);
        boolean fromPacked = ImageStore.readManifest(ImageStore.open(ctl).get(from).orElseThrow().path()).orElseThrow()
                .files().stream().noneMatch(Manifest.FileEntry::isPlain);
        long rss3 = vmHwmKb(c3);
        rssKb = Math.max(rssKb, rss3); // the restore from a packed generation (unpack, verify) counts too
        System.out.println("  restart after kill -9 " + restartPackedMs + " ms (coordinator CPU " + restartPackedCpuMs + " ms) (from generation "
                + from + ", packed: " + fromPacked + "); coordinator peak RSS " + rssKb / 1024 + " MB (attempts 1, 2, 3: "
                + rss1 / 1024 + ", " + rss2 / 1024 + ", " + rss3 / 1024 + " MB)");
        c3.destroyForcibly().waitFor();
        killApplication(read(log));
        double meanPack = packMs.isEmpty() ? -1 : packMs.stream().mapToLong(Long::longValue).average().orElse(0);
        dev.crflow.coordinator.control.SafeFiles.deleteTree(root);
        double meanPackCpu = packCpu.isEmpty() ? -1 : packCpu.stream().mapToLong(Long::longValue).average().orElse(0);
        return new Result(mode, bytes, bytesAfter, ckptMs, meanPack, meanPackCpu, stopMs, restartMs, restartCpuMs, restartPackedMs,
                restartPackedCpuMs, rssKb);
    }

    static void churnRound(Path work, int r) throws Exception {
        Files.writeString(work.resolve("go-" + r), "");
        waitFor("churn round " + r, 600, () -> round(work) >= r);
    }

    static int round(Path work) {
        try {
            return Integer.parseInt(Files.readString(work.resolve("round")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static List<JournalEvent> checkpoints(Path ctl) {
        try {
            return Journal.read(ctl).stream().filter(e -> e.is(JournalEvent.CHECKPOINT) && e.ok().orElse(false)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static long packMillis(String log, int gen) {
        Matcher m = Pattern.compile("generation " + gen + " packed in the background .*, (\\d+) ms, (\\d+) ms CPU").matcher(log);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static long packCpuMillis(String log, int gen) {
        Matcher m = Pattern.compile("generation " + gen + " packed in the background .*, (\\d+) ms, (\\d+) ms CPU").matcher(log);
        return m.find() ? Long.parseLong(m.group(2)) : -1;
    }

    static void killApplication(String log) {
        Matcher m = Pattern.compile("pgid (\\d+)\\)").matcher(log);
        int pgid = -1;
        while (m.find()) pgid = Integer.parseInt(m.group(1));
        if (pgid > 1) Posix.signalGroup(pgid, 9);
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }

    static void waitFor(String what, int seconds, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + cmd);
    }

    static long vmHwmKb(Process p) {
        for (String l : read(Path.of("/proc", Long.toString(p.pid()), "status")).split("\n")) {
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        return -1;
    }

    static Process coordinator(Path ctl, Path root, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-jar", jar.toString(), "run", "--control", ctl.toString(), "--local"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("coordinator.log").toFile())).start();
    }

    static void writeSpec(Path ctl, Path work, String command, String engine, int keep, boolean packed) throws IOException {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("engine", engine);
        policy.put("interval", null);
        policy.put("signal", "USR1");
        policy.put("lead", "PT60S");
        policy.put("forward", null);
        policy.put("state", List.of());
        policy.put("keep", keep);
        policy.put("maxRestarts", 5);
        policy.put("totalTime", null);
        // full CRIU dumps: the generations of an incremental chain (CRIU's default) always stay plain (ignored by DMTCP)
        policy.put("incremental", false);
        policy.put("compress", packed);
        policy.put("dedup", packed);
        CoordinatorBenchmark.writeSpec(ctl, work, command, policy);
    }
}
