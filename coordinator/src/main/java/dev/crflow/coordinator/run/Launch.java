package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.engine.CheckpointEngine;
import dev.crflow.coordinator.engine.EngineContext;
import dev.crflow.coordinator.engine.EngineException;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.store.Packer;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Step 3 of the data flow: the application running, restored from the planned generation or launched from scratch.
 * When a restart fails, the generation is marked unusable and the next plan falls back to an older one, each step
 * journalled. A requested generation (or a launch from scratch) gets no fallback.
 */
final class Launch {

    /** How starting the application went. */
    sealed interface Started {
        /** @param from the generation restored, empty when launched from scratch */
        record Running(AppProcess app, Optional<Integer> from) implements Started {}

        /**
         * Generations exist but none can be used: never start over checkpointed work.
         *
         * @param message what to do about it (the step's result message)
         */
        /** @param environment every generation is sound but this engine cannot restore them: exit 3, not 99 */
        record Refused(String reason, String message, boolean environment) implements Started {}

        /** The engine could not launch (or restart the requested generation). */
        record Failed(String message) implements Started {}
    }

    private final CheckpointEngine engine;
    private final EngineContext context;
    private final RestorePlanner planner;
    private final AttemptJournal journal;
    private final ControlDir ctl;
    private final Consumer<String> say;

    Launch(CheckpointEngine engine, EngineContext context, RestorePlanner planner, AttemptJournal journal, ControlDir ctl,
           Consumer<String> say) {
        this.engine = engine;
        this.context = context;
        this.planner = planner;
        this.journal = journal;
        this.ctl = ctl;
        this.say = say;
    }

    /**
     * @param restoring    whether to look at the image store at all (not for an engine that cannot checkpoint, unless a
     *                     generation was requested)
     * @param starting     told the generation about to be restored (empty: from scratch) before the engine runs; writes
     *                     {@code attempt-start} the first time
     */
    Started start(boolean restoring, Optional<Integer> requested, IoConsumer<Optional<Integer>> starting) throws IOException {
        Set<Integer> unusable = new HashSet<>();
        Optional<Integer> restartFailed = Optional.empty();
        while (true) {
            RestorePlan plan = restoring ? planner.plan(requested, unusable) : new RestorePlan.Fresh();
            for (RestorePlan.Rejected r : plan.rejected()) {
                say.accept("generation " + r.generation() + " cannot be used: " + r.problem());
                journal.restore(r.generation(), false, Optional.empty(), r.problem());
            }
            if (plan instanceof RestorePlan.Refused refused) {
                if (refused.onlyIncompatible()) {
                    return new Started.Refused(refused.reason(), "every generation is intact but was written by an engine this"
                            + " attempt cannot restore from (" + refused.rejected().get(0).problem() + "); run the step with the"
                            + " engine release that wrote them, or remove " + ctl.images() + " to start over", true);
                }
                return new Started.Refused(refused.reason(), "no image generation verifies and restarts; refusing to start"
                        + " from scratch over checkpointed work. Inspect " + ctl.images() + " (crflow-coordinator images --control "
                        + ctl + " --verify) and remove the bad generations to start over", false);
            }
            if (plan instanceof RestorePlan.StartOver over) {
                // said loudly: work was done, and this attempt does it again from the declared files' pre-launch state
                say.accept(over.message());
                journal.startingOver(over.message());
            }
            Optional<RestorePlan.FromGeneration> from = plan instanceof RestorePlan.FromGeneration f ? Optional.of(f) : Optional.empty();
            Optional<Integer> number = from.map(f -> f.generation().number());
            from.flatMap(RestorePlan.FromGeneration::fallbackFrom).ifPresent(bad -> say.accept("generation " + bad
                    + " failed verification; falling back to generation " + number.get()));
            starting.accept(number);
            Files.deleteIfExists(ctl.exitMarker());
            AppProcess app;
            try {
                app = from.isPresent() && engine.canCheckpoint() ? restart(from.get()) : engine.launch(context);
            } catch (EngineException e) {
                say.accept(e.getMessage());
                if (from.isEmpty() || requested.isPresent()) return new Started.Failed(e.getMessage());
                journal.restore(number.get(), false, restartFailed, "restart failed: " + e.getMessage());
                unusable.add(number.get());
                restartFailed = number;
                continue;
            }
            if (from.isPresent()) {
                Optional<Integer> fellBackFrom = restartFailed.or(() -> from.get().fallbackFrom());
                journal.restore(number.get(), true, fellBackFrom, "restarted from generation " + number.get()
                        + fellBackFrom.map(n -> ", falling back from generation " + n).orElse(""));
            }
            return new Started.Running(app, number);
        }
    }

    /** Restarts from the generation's plain files: a packed generation is unpacked into a scratch copy first. */
    private AppProcess restart(RestorePlan.FromGeneration from) throws EngineException {
        Packer.Unpacked plain;
        try {
            plain = planner.unpack(from.generation());
        } catch (IOException e) {
            throw new EngineException("cannot unpack generation " + from.generation().number() + ": " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new EngineException("cannot unpack generation " + from.generation().number() + ": zstd is not available on"
                    + " this node (" + e + ")", e);
        }
        if (plain.temporary()) say.accept("generation " + from.generation().number() + " unpacked for the restart");
        try {
            // the scratch copy stays until the next commit (CheckpointCommitter) or the next start: an engine may still
            // read it after restart returns (the container engine's shim restarts DMTCP asynchronously)
            return engine.restart(context, plain.dir(), plain.manifest());
        } catch (EngineException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** A consumer that may fail with an I/O error (the journal). */
    interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }
}
