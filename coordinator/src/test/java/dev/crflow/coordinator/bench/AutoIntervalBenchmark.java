package dev.crflow.coordinator.bench;

import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code interval 'auto'} against fixed intervals over the same seeded Poisson interruption traces (issue 16, item 1).
 *
 * <p>Two parts, said plainly: (1) <b>measured</b>: the real coordinator ({@code --local}, engine {@code signal}, a 1 GiB
 * state file) takes checkpoints on request (their cost C, from its journal), then is SIGKILLed with its application as
 * a lost node would, and a new coordinator restores the newest generation (the restart cost R: start to the
 * application running again). (2) <b>replayed</b>: a day of compute under interruption traces drawn from a seeded
 * Poisson process is replayed with those measured C and R by {@link IntervalSimulation}, because running every policy
 * over every trace for real would take weeks of machine time here; {@code auto} is decided in the replay by the
 * production arithmetic and limits. For each trace the same interruption instants are used for every policy.
 *
 * <pre>java -cp coordinator/target/crflow-coordinator.jar:coordinator/target/test-classes dev.crflow.coordinator.bench.AutoIntervalBenchmark [DIR] [--state-mib N] [--traces N] [--skip-measure C R]</pre>
 */
public final class AutoIntervalBenchmark {
    static final double WORK = 24 * 3600;         // one day of compute
    static final double LIMIT = 4 * 3600;         // the time limit of one attempt
    static final double LEAD = 60;
    /** The site's interruptionRate, the same in every scenario: a site where half the 4 h attempts are cut (M ≈ 5.8 h). */
    static double priorRate = 0.5;
    static final double[] TRUE_MTBI = {1800, 2 * 3600, 8 * 3600};
    /** What users guess without the trace. */
    static final double[] GUESSES = {300, 900, 1800, 3600, 7200};

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : System.getProperty("java.io.tmpdir"))
                .resolve("crflow-auto-bench-" + ProcessHandle.current().pid());
        int stateMib = 1024, traces = 100;
        double[] measured = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--state-mib")) stateMib = Integer.parseInt(args[++i]);
            if (args[i].equals("--traces")) traces = Integer.parseInt(args[++i]);
            if (args[i].equals("--prior")) priorRate = Double.parseDouble(args[++i]);
            if (args[i].equals("--skip-measure")) measured = new double[] {Double.parseDouble(args[++i]), Double.parseDouble(args[++i])};
        }
        System.out.println("crflow interval 'auto' benchmark; " + Runtime.getRuntime().availableProcessors() + " cores; java "
                + System.getProperty("java.version") + "; load average " + Files.readString(Path.of("/proc/loadavg")).trim());
        double[] costs;
        double restart;
        if (measured == null) {
            Files.createDirectories(dir);
            try {
                Measured m = measure(dir, stateMib);
                costs = m.costs();
                restart = m.restart();
            } finally {
                CoordinatorBenchmark.deleteTree(dir);
            }
        } else {
            costs = new double[] {measured[0]};
            restart = measured[1];
            System.out.printf(Locale.ROOT, "%n[measured] given on the command line: C = %.2f s, R = %.2f s%n", costs[0], restart);
        }
        replay("measured C", costs, restart, traces);
        // the same machine's throughput, an image 30 times larger (30 GiB): C and the restore part of R scale with it
        if (List.of(args).contains("--no-scaled")) return;
        double[] big = new double[costs.length];
        for (int i = 0; i < costs.length; i++) big[i] = costs[i] * 30;
        replay("C x30 (a 30 GiB image at the measured throughput)", big, restart * 30, traces);
    }

    record Measured(double[] costs, double restart) {}

    // ------------------------------------------------------------------ (1) measured on the real coordinator

    static Measured measure(Path dir, int stateMib) throws Exception {
        System.out.printf("%n[measured] real coordinator --local, engine signal, state file of %d MiB%n", stateMib);
        Path root = dir.resolve("measure");
        Path ctl = root.resolve("ctl");
        Path work = root.resolve("work");
        Files.createDirectories(ctl);
        Files.createDirectories(work);
        // each launch appends its start time; the first one writes the state (atomically), a restored one finds it
        String app = "date +%s%N >> started; [ -f state ] || { head -c " + ((long) stateMib << 20)
                + " /dev/zero > state.tmp && mv state.tmp state; }; touch ready; exec sleep 3600";
        CoordinatorBenchmark.writeSpec(ctl, work, app, "SIGNAL", null);
        Process first = coordinator(ctl, root);
        await(() -> Files.exists(work.resolve("ready")), 300, "the application's state");
        List<Double> costs = new ArrayList<>();
        Path requests = ctl.resolve("requests");
        Files.createDirectories(requests);
        for (int i = 0; i < 5; i++) {
            int before = committed(ctl).size();
            Files.writeString(requests.resolve("checkpoint"), "{\"id\":\"bench-" + i + "\"}");
            await(() -> committed(ctl).size() > before, 300, "checkpoint " + (i + 1));
        }
        for (JournalEvent e : committed(ctl)) costs.add(e.durationMs().orElse(0L) / 1000.0);
        // a lost node: the coordinator and its application die at once
        long appPid = ProcessHandle.of(first.pid()).map(h -> h.descendants().mapToLong(ProcessHandle::pid).max().orElse(-1)).orElse(-1L);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        if (appPid > 0) ProcessHandle.of(appPid).ifPresent(ProcessHandle::destroyForcibly);
        long t0 = System.currentTimeMillis();
        Process second = coordinator(ctl, root);
        await(() -> Files.readAllLines(work.resolve("started")).size() >= 2, 300, "the restored application");
        List<String> starts = Files.readAllLines(work.resolve("started"));
        double restart = (Long.parseLong(starts.get(1).trim()) / 1e6 - t0) / 1000.0;
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
        if (second.isAlive()) second.destroyForcibly().waitFor();
        for (ProcessHandle h : ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(work.toString())).toList()) {
            h.destroyForcibly();
        }
        double mean = costs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        row("checkpoint cost C (journal durationMs, incl. commit)", String.format(Locale.ROOT, "%.2f s mean of %d: %s", mean, costs.size(),
                costs.stream().map(c -> String.format(Locale.ROOT, "%.2f", c)).toList()));
        row("restart cost R (SIGKILL, new coordinator -> app running from the generation)", String.format(Locale.ROOT, "%.2f s", restart));
        return new Measured(costs.stream().mapToDouble(Double::doubleValue).toArray(), restart);
    }

    /** The coordinator jar on the class path, as the executor starts it (flags of docs/contracts.md §5). */
    static Process coordinator(Path ctl, Path root) throws Exception {
        Path jar = Path.of(dev.crflow.coordinator.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(CoordinatorBenchmark.JVM_FLAGS);
        cmd.addAll(List.of("-jar", jar.toString(), "run", "--control", ctl.toString(), "--local"));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("coordinator.log").toFile())).start();
    }

    static List<JournalEvent> committed(Path ctl) throws IOException {
        return Journal.read(ctl).stream().filter(e -> e.is(JournalEvent.CHECKPOINT) && e.ok().orElse(false)).toList();
    }

    interface Check { boolean ok() throws Exception; }

    static void await(Check c, int seconds, String what) throws Exception {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (!c.ok()) {
            if (System.currentTimeMillis() > end) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    // ------------------------------------------------------------------ (2) replayed over seeded Poisson traces

    static void replay(String label, double[] costs, double restart, int traces) {
        IntervalSimulation.Setup setup = new IntervalSimulation.Setup(WORK, LIMIT, LEAD, restart, costs, priorRate);
        double meanC = java.util.Arrays.stream(costs).average().orElse(0);
        System.out.printf(Locale.ROOT, "%n[replay: %s] C = %.2f s, R = %.2f s; %s of compute, %s attempts, lead %s, prior %.2f per attempt;"
                + " %d seeded traces per scenario; waste = lost work + checkpoint time, %% of the compute%n",
                label, meanC, restart, fmt(WORK), fmt(LIMIT), fmt(LEAD), priorRate, traces);
        Map<String, Double> worst = new LinkedHashMap<>();   // per policy: its largest waste / best fixed over the scenarios
        for (double mtbi : TRUE_MTBI) {
            Map<String, Double> waste = new LinkedHashMap<>();
            waste.put("auto", mean(setup, mtbi, Optional.empty(), traces));
            for (double g : GUESSES) waste.put("fixed " + fmt(g), mean(setup, mtbi, Optional.of(g), traces));
            double bestTau = 0, best = Double.POSITIVE_INFINITY;
            for (double tau : grid()) {
                double w = mean(setup, mtbi, Optional.of(tau), traces);
                if (w < best) { best = w; bestTau = tau; }
            }
            double auto = waste.get("auto");
            double bestGuess = Double.POSITIVE_INFINITY;
            for (double g : GUESSES) bestGuess = Math.min(bestGuess, waste.get("fixed " + fmt(g)));
            System.out.printf(Locale.ROOT, "  true mean time between interruptions %s (Daly's optimum for it: %s)%n", fmt(mtbi),
                    fmt(dev.crflow.coordinator.interval.YoungDaly.daly(meanC, mtbi)));
            for (Map.Entry<String, Double> e : waste.entrySet()) {
                row("    " + e.getKey(), String.format(Locale.ROOT, "%6.2f %% (%s)   x%.3f of the best fixed", 100 * e.getValue() / WORK,
                        fmt(e.getValue()), e.getValue() / best));
            }
            for (Map.Entry<String, Double> e : waste.entrySet()) worst.merge(e.getKey(), e.getValue() / best, Math::max);
            row("    best fixed in hindsight: " + fmt(bestTau), String.format(Locale.ROOT, "%6.2f %% (%s)   baseline", 100 * best / WORK, fmt(best)));
            row("    auto vs best fixed (target <= +10 %)", String.format(Locale.ROOT, "%+.1f %%  %s", 100 * (auto / best - 1),
                    auto <= 1.10 * best ? "MET" : "NOT MET"));
            row("    auto vs the best of the guesses (target: better)", String.format(Locale.ROOT, "%+.1f %%  %s", 100 * (auto / bestGuess - 1),
                    auto < bestGuess ? "MET" : "NOT MET"));
        }
        // a user's guess is one value for a step whose interruption rate they do not know: its worst case over the scenarios
        System.out.println("  worst case over the three scenarios (waste / best fixed in hindsight for that scenario):");
        for (Map.Entry<String, Double> e : worst.entrySet()) {
            boolean autoRow = e.getKey().equals("auto");
            boolean autoBetter = worst.get("auto") < e.getValue();
            row("    " + e.getKey(), String.format(Locale.ROOT, "x%.3f%s", e.getValue(), autoRow ? "" : autoBetter ? "   auto better" : "   auto NOT better"));
        }
    }

    static double mean(IntervalSimulation.Setup s, double mtbi, Optional<Double> tau, int traces) {
        double sum = 0;
        for (int i = 0; i < traces; i++) sum += IntervalSimulation.run(s, 1000L * (long) mtbi + i, mtbi, tau).waste();
        return sum / traces;
    }

    /** Fixed intervals tried for the best in hindsight: every 10 s up to 10 min, every minute up to 4 h. */
    static List<Double> grid() {
        List<Double> g = new ArrayList<>();
        for (double t = 10; t < 600; t += 10) g.add(t);
        for (double t = 600; t <= 4 * 3600; t += 60) g.add(t);
        return g;
    }

    static String fmt(double s) {
        if (s < 90) return String.format(Locale.ROOT, "%.0f s", s);
        if (s < 5400) return String.format(Locale.ROOT, "%.1f min", s / 60);
        return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }

    static void row(String what, String figure) {
        System.out.printf("  %-62s %s%n", what, figure);
    }
}
