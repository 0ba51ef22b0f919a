package dev.crflow.snakemake;

import dev.crflow.executor.slurm.QueueQuery;
import dev.crflow.executor.slurm.SlurmClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark (not a test): status decisions for the job ids on stdin from THREADS threads for SECONDS seconds,
 * through the real shared snapshot and the real squeue (count it with a wrapper on PATH). Shows what the
 * cache does at call rates no process-per-call setup reaches. Run by bench/status-benchmark.sh.
 *
 * <pre>java -cp crflow.jar:test-classes dev.crflow.snakemake.StatusBenchmark SECONDS THREADS &lt; ids</pre>
 */
public final class StatusBenchmark {
    private StatusBenchmark() {}

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        int threads = Integer.parseInt(args[1]);
        List<String> ids = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            for (String l; (l = in.readLine()) != null; ) if (!l.isBlank()) ids.add(l.strip());
        }
        SlurmClient slurm = Slurm.client();
        String user = System.getProperty("user.name");
        BridgeRoot root = new BridgeRoot(Path.of(System.getProperty("java.io.tmpdir"), "crflow-bench-root"));
        AtomicLong calls = new AtomicLong();
        AtomicLong running = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread w = new Thread(() -> {
                // each thread is one "status process": its own instance, the shared file and lock
                SharedQueueSnapshot shared = new SharedQueueSnapshot(SharedQueueSnapshot.defaultCacheDir(), user,
                        SharedQueueSnapshot.DEFAULT_TTL, Clock.systemUTC(), () -> slurm.queue(QueueQuery.byUser(user)));
                for (int i = offset; System.nanoTime() < end; i++) {
                    String id = ids.get(i % ids.size());
                    SnakemakeStatus.Decision d = StatusCommand.decide(id, shared, root, slurm);
                    calls.incrementAndGet();
                    if (d.status() == SnakemakeStatus.RUNNING) running.incrementAndGet();
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) w.join();
        System.out.printf("in-process: %d status decisions over %d jobs from %d threads in %d s (%.0f/s), %d answered running%n",
                calls.get(), ids.size(), threads, seconds, calls.get() / (double) seconds, running.get());
    }
}
