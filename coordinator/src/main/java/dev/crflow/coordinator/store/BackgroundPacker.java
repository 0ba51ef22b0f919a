package dev.crflow.coordinator.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Packs committed generations on a thread of its own while the application runs, so no checkpoint waits for it.
 * {@link #requestPass} (after a commit, or once the application runs again) packs every plain generation, newest first,
 * then sweeps unused chunks. {@link #pause} makes a running pass give up at its next chunk or buffer: a checkpoint
 * (above all the one after the warning signal) gets the disk and the cores; the generation being packed stays plain.
 */
public final class BackgroundPacker implements AutoCloseable {
    private final ImageStore store;
    private final Packer packer;
    private final Packer.Settings settings;
    private final Consumer<String> say;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean paused;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crflow-pack");
        t.setDaemon(true); // never keeps the coordinator alive: an interrupted pack leaves every generation valid
        return t;
    });

    public BackgroundPacker(ImageStore store, Packer.Settings settings, Consumer<String> say) {
        this.store = store;
        this.settings = settings;
        this.say = say;
        this.packer = new Packer(store, settings, () -> paused);
    }

    public Packer.Settings settings() { return settings; }

    /** Queues one pass unless one is queued already; resumes after {@link #pause}. */
    public void requestPass() {
        if (!settings.any()) return;
        paused = false;
        if (queued.compareAndSet(false, true)) {
            try {
                thread.submit(this::pass);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false); // closed: the coordinator is ending
            }
        }
    }

    /** Stops the running pass soon and starts none until the next {@link #requestPass}. Returns at once. */
    public void pause() { paused = true; }

    /** Waits for the queued and running passes (tests, benchmarks); false on timeout. */
    public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        var done = thread.submit(() -> { });
        try {
            done.get(timeout, unit);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private void pass() {
        queued.set(false);
        try {
            List<Generation> gens = new ArrayList<>(store.list());
            java.util.Collections.reverse(gens);
            for (Generation g : gens) {
                if (paused) return;
                if (!g.valid()) continue;
                long t0 = System.nanoTime();
                long cpu0 = cpuNanos();
                try {
                    // the CPU time too: on a shared node the wall time says more about the neighbours than about packing
                    packer.pack(g).ifPresent(p -> say.accept("generation " + p.generation() + " packed in the background ("
                            + describe() + "): " + p.plainBytes() + " bytes stored in " + p.stored() + " (" + p.written()
                            + " new), " + (System.nanoTime() - t0) / 1_000_000 + " ms, " + (cpuNanos() - cpu0) / 1_000_000 + " ms CPU"));
                } catch (InterruptedIOException e) {
                    return; // paused for a checkpoint, or the coordinator is ending: the generation stays plain
                } catch (LinkageError e) {
                    say.accept("background packing off: zstd is not available on this node (" + e + "); generations stay plain");
                    return;
                } catch (IOException | RuntimeException e) {
                    // pruned meanwhile, disk full, ...: the generation is still valid in its plain form
                    if (java.nio.file.Files.isDirectory(g.path())) {
                        say.accept("generation " + g.number() + " left unpacked: " + e.getMessage());
                    }
                }
            }
            if (paused) return;
            long freed = packer.sweep();
            if (freed > 0) say.accept("removed " + freed + " bytes of chunks no kept generation uses");
        } catch (IOException | RuntimeException e) {
            say.accept("background packing stopped: " + e.getMessage());
        }
    }

    /** The coordinator JVM's CPU time (the packer's threads are nearly all of it while a pass runs). */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private String describe() {
        return settings.dedup() ? (settings.compress() ? "deduplicated, zstd" : "deduplicated") : "zstd";
    }

    @Override
    public void close() {
        paused = true;
        thread.shutdownNow();
    }
}
