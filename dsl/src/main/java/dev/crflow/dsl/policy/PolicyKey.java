package dev.crflow.dsl.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings of a checkpoint policy, each with its unit. The DSL's {@code checkpoint { }} keywords, Nextflow's
 * {@code ext.checkpoint} keys and Snakemake's {@code checkpoint_*} resources are all spellings of these.
 */
public enum PolicyKey {
    ENGINE("engine", Unit.ENGINE, 0),
    INTERVAL("interval", Unit.INTERVAL, 0),
    SIGNAL("signal", Unit.WARNING_SIGNAL, 0),
    /** In the DSL an option of signal ({@code signal 'USR1', lead: '60s'}), elsewhere a key of its own. */
    LEAD("lead", Unit.DURATION, 0),
    FORWARD("forward", Unit.SIGNAL, 0),
    STATE("state", Unit.PATHS, 0),
    KEEP("keep", Unit.COUNT, 1),
    MAX_RESTARTS("maxRestarts", Unit.COUNT, 0),
    TOTAL_TIME("totalTime", Unit.DURATION, 0),
    ON_CANCEL("onCancel", Unit.ON_CANCEL, 0),
    /** Engine 'criu': periodic (and stop) checkpoints write only the pages changed since the previous generation. */
    INCREMENTAL("incremental", Unit.BOOLEAN, 0),
    /** Committed generations compressed (zstd) in the background, off the checkpoint's critical path. */
    COMPRESS("compress", Unit.BOOLEAN, 0),
    /** Committed generations stored as content-defined chunks shared between generations. */
    DEDUP("dedup", Unit.BOOLEAN, 0),
    /** Work was done but no generation is usable: end the step ('refuse', default) or start over ('allow'). */
    FROM_SCRATCH("fromScratch", Unit.FROM_SCRATCH, 0);

    private final String dslName;
    private final Unit unit;
    private final int min;

    PolicyKey(String dslName, Unit unit, int min) {
        this.dslName = dslName;
        this.unit = unit;
        this.min = min;
    }

    /** The DSL keyword and Nextflow key: "maxRestarts". */
    public String dslName() { return dslName; }

    /** Snakemake's resource name: "checkpoint_max_restarts". */
    public String resourceName() {
        return "checkpoint_" + dslName.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    public Unit unit() { return unit; }

    /** For {@link Unit#COUNT}: the smallest value allowed. */
    public int min() { return min; }

    public static List<String> dslNames() { return Arrays.stream(values()).map(PolicyKey::dslName).toList(); }

    public static Optional<PolicyKey> fromDsl(String name) {
        return Arrays.stream(values()).filter(k -> k.dslName.equals(name)).findFirst();
    }
}
