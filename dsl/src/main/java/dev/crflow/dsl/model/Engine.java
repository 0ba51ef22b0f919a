package dev.crflow.dsl.model;

import java.util.List;

/** How a step's state survives the end of a job. DSL spelling: {@code engine 'dmtcp'} etc. */
public enum Engine {
    /** Transparent checkpoint of the process tree by DMTCP. */
    DMTCP,
    /** Transparent dump/restore of the process tree by CRIU (needs criu >= 4.1 on kernels >= 6.13). */
    CRIU,
    /** The application checkpoints itself when it receives {@code forward}; crflow persists its {@code state} files. */
    SIGNAL,
    /** No checkpoint: a requeued attempt relaunches from scratch (still requeued and counted). */
    NONE;

    public String dslName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Whether the engine keeps the declared {@code state} files with each generation (signal: they are the state; criu: snapshotted while the tree is frozen; dmtcp: after a checkpoint-and-kill). */
    public boolean keepsStateFiles() { return STATE_FILE_ENGINES.contains(this); }

    private static final java.util.List<Engine> STATE_FILE_ENGINES = java.util.List.of(SIGNAL, CRIU, DMTCP);

    /** The engines that keep state files, in DSL spelling, for messages. */
    public static String stateFileEngines() {
        List<String> names = STATE_FILE_ENGINES.stream().map(e -> "'" + e.dslName() + "'").toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
