package dev.crflow.coordinator.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's own, tolerant view of the dsl's resolved {@code Step} ({@code <ctl>/spec.json}).
 * Only the fields the coordinator needs; unknown fields are ignored so the dsl may grow freely.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepSpec(
        String name,
        CommandSpec command,
        String workdir,
        ResourcesSpec resources,
        Map<String, String> env,
        PolicySpec checkpoint,
        Optional<ContainerSpec> container,
        int retry) {

    public StepSpec {
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        resources = resources == null ? ResourcesSpec.defaults() : resources;
        checkpoint = checkpoint == null ? PolicySpec.none() : checkpoint;
        container = container == null ? Optional.empty() : container;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CommandSpec(Kind kind, String text) {
        public enum Kind { COMMAND, SCRIPT }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ResourcesSpec(Optional<Duration> time, Optional<Duration> timeMin) {
        public ResourcesSpec {
            time = time == null ? Optional.empty() : time;
            timeMin = timeMin == null ? Optional.empty() : timeMin;
        }

        public static ResourcesSpec defaults() { return new ResourcesSpec(Optional.empty(), Optional.empty()); }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ContainerSpec(String image, String runtime, List<String> mounts, List<String> modules) {
        public ContainerSpec {
            mounts = mounts == null ? List.of() : List.copyOf(mounts);
            modules = modules == null ? List.of() : List.copyOf(modules);
        }
    }

    /**
     * See the dsl's CheckpointPolicy for the meaning of each field. {@code autoInterval} and {@code interruptionRate}
     * are absent from specs written before {@code interval 'auto'}: false and empty.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PolicySpec(
            EngineKind engine,
            Optional<Duration> interval,
            String signal,
            Duration lead,
            Optional<String> forward,
            List<String> state,
            int keep,
            int maxRestarts,
            Optional<Duration> totalTime,
            OnCancel onCancel,
            boolean autoInterval,
            Optional<Double> interruptionRate,
            Boolean incremental,
            Optional<Boolean> compress,
            Optional<Boolean> dedup,
            FromScratch fromScratch) {

        /** A policy with a fixed interval or none, the engine's defaults for incremental, compress and dedup. */
        public PolicySpec(EngineKind engine, Optional<Duration> interval, String signal, Duration lead, Optional<String> forward,
                          List<String> state, int keep, int maxRestarts, Optional<Duration> totalTime, OnCancel onCancel) {
            this(engine, interval, signal, lead, forward, state, keep, maxRestarts, totalTime, onCancel, false, Optional.empty(),
                    true, Optional.empty(), Optional.empty(), FromScratch.REFUSE);
        }

        /**
         * Whether committed generations are compressed (zstd, in the background). Default (absent in spec.json): on for
         * process images (DMTCP, CRIU), which compress several-fold; off for the application's own state files. A pass
         * runs in bounded memory (~11–14 MB more peak RSS, whatever the image size: docs/benchmarks/storage.md).
         */
        public boolean compressImages() { return compress.orElse(engine == EngineKind.DMTCP || engine == EngineKind.CRIU); }

        /** Whether committed generations share content-defined chunks. Default as {@link #compressImages}. */
        public boolean dedupImages() { return dedup.orElse(engine == EngineKind.DMTCP || engine == EngineKind.CRIU); }

        @com.fasterxml.jackson.annotation.JsonCreator
        public PolicySpec {
            engine = engine == null ? EngineKind.NONE : engine;
            interval = interval == null ? Optional.empty() : interval;
            signal = signal == null ? "USR1" : signal;
            lead = lead == null ? Duration.ofSeconds(60) : lead;
            forward = forward == null ? Optional.empty() : forward;
            state = state == null ? List.of() : List.copyOf(state);
            keep = Math.max(1, keep);
            totalTime = totalTime == null ? Optional.empty() : totalTime;
            onCancel = onCancel == null ? OnCancel.CHECKPOINT : onCancel;
            interruptionRate = interruptionRate == null ? Optional.empty() : interruptionRate;
            // absent from spec.json written before the setting existed: on, its default
            incremental = incremental == null ? Boolean.TRUE : incremental;

            compress = compress == null ? Optional.empty() : compress;
            dedup = dedup == null ? Optional.empty() : dedup;
            // absent from spec.json written before the setting existed: refuse, its default
            fromScratch = fromScratch == null ? FromScratch.REFUSE : fromScratch;
        }

        public static PolicySpec none() {
            return new PolicySpec(EngineKind.NONE, Optional.empty(), "USR1", Duration.ofSeconds(60), Optional.empty(),
                    List.of(), 2, 50, Optional.empty(), OnCancel.CHECKPOINT);
        }
    }

    public enum EngineKind { DMTCP, CRIU, SIGNAL, NONE }

    /**
     * Work was done but no generation is usable (none verifies, or the first stop checkpoint failed): {@code REFUSE}
     * (default) ends the step; {@code ALLOW} puts the declared state files back to their pre-launch state and starts
     * over, said in the log and the journal (the step's whole state is in its declared files).
     */
    public enum FromScratch {
        REFUSE, ALLOW;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static FromScratch parse(String s) {
            return s == null ? REFUSE : valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * What a user's {@code scancel} does besides ending the step: {@code CHECKPOINT} (default) takes a last
     * checkpoint within the SIGTERM grace first, so the work can still be resumed by hand; {@code STOP} ends at once.
     */
    public enum OnCancel {
        CHECKPOINT, STOP;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static OnCancel parse(String s) {
            return s == null ? CHECKPOINT : valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }
}
