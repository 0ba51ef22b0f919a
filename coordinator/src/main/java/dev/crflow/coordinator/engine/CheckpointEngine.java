package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.nio.file.Path;
import java.util.Map;

/**
 * One way of making a step's state survive the end of its job. The coordinator owns the image store,
 * the commit and the decisions; an engine only starts the application, writes the state of a checkpoint
 * into the generation being written, and restarts from a committed generation.
 */
public interface CheckpointEngine extends AutoCloseable {

    /** DSL name: dmtcp | criu | signal | none. */
    String name();

    /** The engine's version as detected on this machine ("n/a" when it has none). */
    String version();

    /** Fails with a message saying what is missing and what to do when the engine cannot work here. */
    void check() throws EngineException;

    /** False for {@code none}: nothing can be checkpointed, a requeue relaunches from scratch. */
    boolean canCheckpoint();

    /** Starts the application from scratch. */
    AppProcess launch(EngineContext ctx) throws EngineException;

    /** Restores {@code generation} (already verified) and starts the application from it. */
    AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException;

    /**
     * Writes a checkpoint into {@code target}. With {@code stop} the application ends afterwards (the
     * job is about to end); without, it keeps running (periodic or manual checkpoint).
     *
     * @return engine data recorded in the manifest (e.g. the image list DMTCP must restart from)
     */
    Map<String, Object> checkpoint(EngineContext ctx, AppProcess app, ImageStore.Pending target, boolean stop,
                                   Deadline deadline) throws EngineException;

    /**
     * Generation {@code g} was committed from the checkpoint this engine wrote last (an engine writing incremental
     * checkpoints takes it as the base of its next one).
     */
    default void committed(Generation g) {}

    /**
     * True when the application's end status means the engine itself failed (DMTCP's 99), as opposed to
     * the application failing.
     */
    default boolean isEngineFailure(int exitStatus, boolean markerPresent) { return false; }

    /**
     * A fixed name for the partial generation directory when the engine writes into it by path (DMTCP's
     * --ckptdir is set once at launch): the commit renames it to gen-NNNNNN, no copy.
     */
    default java.util.Optional<String> partialDirectoryName() { return java.util.Optional.empty(); }

    @Override
    default void close() {}
}
