package dev.crflow.coordinator.run;

import dev.crflow.coordinator.engine.CheckpointEngine;
import dev.crflow.coordinator.engine.Deadline;
import dev.crflow.coordinator.engine.EngineContext;
import dev.crflow.coordinator.engine.EngineException;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.journal.Trigger;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.store.BackgroundPacker;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Packer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One checkpoint, end to end: the engine writes into a partial generation, the store commits it (checksums, manifest,
 * rename), the journal records it, and only then are generations beyond {@code keep} pruned. A failure at any point
 * leaves every committed generation as it was.
 */
final class CheckpointCommitter {
    private final CheckpointEngine engine;
    private final EngineContext context;
    private final ImageStore store;
    private final AttemptJournal journal;
    private final String host;
    private final String jobId;
    private final int keep;
    private final Consumer<String> say;

    private final BackgroundPacker packer;

    CheckpointCommitter(CheckpointEngine engine, EngineContext context, ImageStore store, AttemptJournal journal,
                        String host, String jobId, int keep, Consumer<String> say) {
        this(engine, context, store, journal, host, jobId, keep, Packer.Settings.off(), say);
    }

    /** @param packing how committed generations are stored once committed ({@link BackgroundPacker}) */
    CheckpointCommitter(CheckpointEngine engine, EngineContext context, ImageStore store, AttemptJournal journal,
                        String host, String jobId, int keep, Packer.Settings packing, Consumer<String> say) {
        this.packer = new BackgroundPacker(store, packing, say);
        this.engine = engine;
        this.context = context;
        this.store = store;
        this.journal = journal;
        this.host = host;
        this.jobId = jobId;
        this.keep = keep;
        this.say = say;
    }

    /**
     * @param appSeconds application time up to now, all attempts (recorded in the manifest)
     * @param lastGood   the last good generation, for the message when this one fails
     * @return the committed generation; empty when the checkpoint failed (journalled as {@code ok:false})
     */
    Optional<Generation> checkpoint(AppProcess app, Trigger trigger, boolean stop, Deadline deadline,
                                    Optional<String> requestId, double appSeconds, Optional<Integer> lastGood) throws IOException {
        long t0 = System.nanoTime();
        // the checkpoint gets the disk and the cores: a background pack gives up at once (its generation stays plain)
        packer.pause();
        ImageStore.Pending pending = null;
        try {
            pending = engine.partialDirectoryName().isPresent()
                    ? store.beginNamed(engine.partialDirectoryName().get()) : store.begin(trigger.wireName());
            Map<String, Object> data = engine.checkpoint(context, app, pending, stop, deadline);
            Generation g = pending.commit(new ImageStore.Provenance(engine.name(), engine.version(), host, jobId,
                    journal.attempt(), trigger.wireName(), appSeconds, data));
            engine.committed(g);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            journal.checkpointCommitted(g.number(), trigger, ms, g.bytes(), requestId, pending.timings());
            say.accept("checkpoint " + trigger.wireName() + ": generation " + g.number() + " committed (" + g.bytes()
                    + " bytes, " + ms + " ms)");
            prune();
            // packed after the commit, while the application runs; never after a stop checkpoint (the job ends now;
            // the next attempt packs it, and its start removes the restore scratch copy with every partial)
            if (!stop) {
                Packer.removeRestoreScratch(store); // checkpointed since the restart: nothing reads it any more
                packer.requestPass();
            }
            return Optional.of(g);
        } catch (EngineException | IOException | RuntimeException e) {
            // an engine writing by path (DMTCP) may still be writing: deleting under it would crash the application
            if (pending != null) pending.abandon(engine.partialDirectoryName().isEmpty());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!stop && trigger == Trigger.INTERVAL && endedMeanwhile(app)) {
                // the timer fired as the application finished (DMTCP's coordinator exits with its last process): no
                // checkpoint was owed, and the application's end is handled as such, not as a checkpoint failure
                say.accept("periodic checkpoint skipped: the application ended while it was being taken (" + msg + ")");
                return Optional.empty();
            }
            if (!stop) packer.requestPass(); // resume packing the generations already committed
            journal.checkpointFailed(trigger, ms, msg, requestId);
            say.accept("checkpoint " + trigger.wireName() + " FAILED: " + msg + "; the last good generation ("
                    + lastGood.map(String::valueOf).orElse("none") + ") is untouched");
            return Optional.empty();
        }
    }

    /** Packs the generations left plain (by the last attempt's stop checkpoint) while the application runs. */
    void packInBackground() { packer.requestPass(); }

    /** Stops background packing (the coordinator is ending): what is not packed stays plain and valid. */
    void close() { packer.close(); }

    private static boolean endedMeanwhile(AppProcess app) {
        try {
            return app.waitFor(java.time.Duration.ofSeconds(2)).isPresent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void prune() {
        try {
            List<Integer> pruned = store.prune(keep);
            if (!pruned.isEmpty()) say.accept("pruned generations " + pruned + " (keep " + keep + ")");
        } catch (IOException e) {
            say.accept("could not prune old generations: " + e.getMessage());
        }
    }

    /** How long the last committed checkpoint took: whether one still fits in SIGTERM's grace. */
    static Duration lastCommitDuration(List<JournalEvent> events) {
        long last = 0;
        for (JournalEvent e : events) {
            if (e.typed() instanceof Event.Checkpoint c && c.ok()) last = c.durationMs();
        }
        return Duration.ofMillis(last);
    }
}
