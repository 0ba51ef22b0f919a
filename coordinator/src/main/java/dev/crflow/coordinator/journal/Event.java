package dev.crflow.coordinator.journal;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The typed payload of one journal line (docs/contracts.md §3): what {@link Journal#append(Event)} writes and
 * {@link JournalEvent#typed()} reads back. The wire format is fixed by the contract: {@link #fields()} gives the
 * fields after {@code "event"} and {@code "time"}, in the order they have always been written, so journals written
 * before and after these types are byte-for-byte alike.
 *
 * <p>Reading is tolerant: a kind this version does not know is an {@link Unknown} (never an error); a missing or
 * malformed field reads as empty (optional fields), {@code 0}/{@code ""}/{@code false} (fields every writer sets;
 * attempts count from 1, so attempt {@code 0} means "the line does not say"), or the enum's {@code UNKNOWN}.
 */
public sealed interface Event {

    /** The {@code "event"} value. */
    String kind();

    /** The fields after {@code "event"} and {@code "time"}, in wire order; JSON null for an empty optional. */
    Map<String, Object> fields();

    /**
     * {@code attempt-start}: a coordinator began an attempt.
     *
     * @param fromScratch why it starts over although work was done ({@code fromScratch 'allow'}: no generation verified);
     *                    written only when present
     */
    record AttemptStart(int attempt, String jobId, String host, int restartCount, Optional<Integer> fromGeneration,
                        String engine, Optional<String> engineVersion, boolean local, long pid, Optional<String> fromScratch)
            implements Event {
        public AttemptStart(int attempt, String jobId, String host, int restartCount, Optional<Integer> fromGeneration,
                            String engine, Optional<String> engineVersion, boolean local, long pid) {
            this(attempt, jobId, host, restartCount, fromGeneration, engine, engineVersion, local, pid, Optional.empty());
        }

        public String kind() { return JournalEvent.ATTEMPT_START; }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", attempt);
            m.put("jobId", jobId);
            m.put("host", host);
            m.put("restartCount", restartCount);
            m.put("fromGeneration", fromGeneration.orElse(null));
            m.put("engine", engine);
            m.put("engineVersion", engineVersion.orElse(null));
            m.put("local", local);
            m.put("pid", pid);
            fromScratch.ifPresent(s -> m.put("fromScratch", s));
            return m;
        }
    }

    /**
     * {@code checkpoint}: one checkpoint, committed ({@code ok}, {@code generation} present) or failed ({@code error}).
     *
     * @param commitTimings milliseconds of the commit's phases; written (as {@code commit}) only for a committed one
     */
    record Checkpoint(int attempt, Optional<Integer> generation, Trigger trigger, long durationMs, long bytes, boolean ok,
                      Optional<String> error, Optional<String> requestId, Optional<Map<String, Long>> commitTimings)
            implements Event {
        public String kind() { return JournalEvent.CHECKPOINT; }

        /** A checkpoint that did not commit (engine failure, skipped, engine cannot checkpoint). */
        public static Checkpoint failed(int attempt, Trigger trigger, long durationMs, String error, Optional<String> requestId) {
            return new Checkpoint(attempt, Optional.empty(), trigger, durationMs, 0, false, Optional.of(error), requestId,
                    Optional.empty());
        }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", attempt);
            m.put("generation", generation.orElse(null));
            m.put("trigger", trigger.wireName());
            m.put("durationMs", durationMs);
            m.put("bytes", bytes);
            m.put("ok", ok);
            m.put("error", error.orElse(null));
            m.put("requestId", requestId.orElse(null));
            commitTimings.ifPresent(t -> m.put("commit", t));
            return m;
        }
    }

    /**
     * {@code restore}: one {@code ok:false} per generation that could not be used, then one {@code ok:true}.
     *
     * @param fallbackFrom the generation that failed verification or restart before this one
     */
    record Restore(int attempt, int generation, boolean ok, Optional<Integer> fallbackFrom, String message) implements Event {
        public String kind() { return JournalEvent.RESTORE; }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", attempt);
            m.put("generation", generation);
            m.put("ok", ok);
            m.put("fallbackFrom", fallbackFrom.orElse(null));
            m.put("message", message);
            return m;
        }
    }

    /** {@code request}: a manual checkpoint (or checkpoint-and-stop) request was taken. */
    record Request(int attempt, Optional<String> requestId, boolean stop, boolean accepted) implements Event {
        public String kind() { return JournalEvent.REQUEST; }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", attempt);
            m.put("requestId", requestId.orElse(null));
            m.put("stop", stop);
            m.put("accepted", accepted);
            return m;
        }
    }

    /** {@code requeue}: the coordinator asked for the next attempt; {@code message} says what could not be applied. */
    record Requeue(int attempt, boolean ok, RequeueKind requeueKind, String message, Optional<Long> nextTimeLimitSeconds,
                   Optional<Long> remainingBudgetSeconds) implements Event {
        public String kind() { return JournalEvent.REQUEUE; }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", attempt);
            m.put("ok", ok);
            m.put("kind", requeueKind.wireName());
            m.put("message", message);
            m.put("nextTimeLimitSeconds", nextTimeLimitSeconds.orElse(null));
            m.put("remainingBudgetSeconds", remainingBudgetSeconds.orElse(null));
            return m;
        }
    }

    /**
     * {@code attempt-end}. A {@link EndReason#LOST} one is written by the next coordinator for an attempt whose
     * coordinator died: it does not know that attempt's last generation, so {@code generation} is not written for it.
     *
     * @param computeSeconds wall time of the attempt, charged to {@code totalTime}
     * @param generation     the last good generation
     */
    record AttemptEnd(int attempt, EndReason reason, Optional<Integer> exitCode, double computeSeconds, double appSeconds,
                      boolean requeued, Optional<Integer> generation, Optional<String> message) implements Event {
        public String kind() { return JournalEvent.ATTEMPT_END; }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", attempt);
            m.put("reason", reason.wireName());
            m.put("exitCode", exitCode.orElse(null));
            m.put("computeSeconds", computeSeconds);
            m.put("appSeconds", appSeconds);
            m.put("requeued", requeued);
            if (reason != EndReason.LOST) m.put("generation", generation.orElse(null));
            message.ifPresent(s -> m.put("message", s));
            return m;
        }
    }

    /**
     * {@code attempt-lost}: written by a driver (not the coordinator) for a job that ended without a result.
     * Optional fields are left out, not written as null (the drivers' format).
     *
     * @param attempt    the lost attempt, when its coordinator had started
     * @param node       Slurm node names, comma-separated (may be empty)
     * @param requeuedBy {@code "slurm"} when Slurm requeued the job itself
     */
    record AttemptLost(String jobId, Optional<Integer> attempt, LostReason reason, String node, Optional<String> requeuedBy,
                       Optional<String> message) implements Event {
        public String kind() { return JournalEvent.ATTEMPT_LOST; }

        /**
         * Jobs lost before their coordinator ever started: {@code attempt-lost} events naming a job id that no
         * {@code attempt-start} names. Only a driver records them; a restart (History) and an interruption
         * (interval 'auto') each.
         */
        public static int beforeAnyStart(List<JournalEvent> events) {
            Set<String> started = new HashSet<>();
            for (JournalEvent e : events) {
                if (e.typed() instanceof AttemptStart s) started.add(s.jobId());
            }
            int lost = 0;
            for (JournalEvent e : events) {
                if (e.typed() instanceof AttemptLost l && !started.contains(l.jobId())) lost++;
            }
            return lost;
        }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jobId", jobId);
            attempt.ifPresent(a -> m.put("attempt", a));
            m.put("reason", reason.wireName());
            m.put("node", node);
            requeuedBy.ifPresent(r -> m.put("requeuedBy", r));
            message.ifPresent(s -> m.put("message", s));
            return m;
        }

        public boolean requeuedBySlurm() { return requeuedBy.filter("slurm"::equals).isPresent(); }
    }

    /**
     * {@code interval}: the coordinator chose the periodic interval of {@code interval 'auto'} (at the attempt's start,
     * and again after each periodic checkpoint as the cost is measured anew), with everything it chose from.
     *
     * @param trigger           {@code attempt-start} or {@code checkpoint}
     * @param bound             the rule that set the interval ({@code daly}, or the limit that overrode it)
     * @param dalySeconds       Daly's estimate before the limits
     * @param checkpointSamples committed checkpoints the cost is the mean of; 0: the default cost
     * @param priorRate         the chance per attempt the prior assumed; {@code priorFromSettings} false: crflow's default
     * @param untilWarningSeconds the time left before the warning signal, when the step has a time limit
     */
    record IntervalChoice(int attempt, String trigger, double intervalSeconds, String bound, double dalySeconds,
                          double checkpointSeconds, int checkpointSamples, double mtbiSeconds, int interruptions,
                          double observedSeconds, double priorRate, boolean priorFromSettings,
                          Optional<Double> untilWarningSeconds) implements Event {
        public String kind() { return JournalEvent.INTERVAL; }

        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", attempt);
            m.put("trigger", trigger);
            m.put("intervalSeconds", intervalSeconds);
            m.put("bound", bound);
            m.put("dalySeconds", dalySeconds);
            m.put("checkpointSeconds", checkpointSeconds);
            m.put("checkpointSamples", checkpointSamples);
            m.put("mtbiSeconds", mtbiSeconds);
            m.put("interruptions", interruptions);
            m.put("observedSeconds", observedSeconds);
            m.put("priorRate", priorRate);
            m.put("priorFromSettings", priorFromSettings);
            m.put("untilWarningSeconds", untilWarningSeconds.orElse(null));
            return m;
        }
    }

    /** A kind this version does not know (a newer writer, a driver's own event): kept, never an error. */
    record Unknown(String kind, Map<String, Object> fields) implements Event {
        public Unknown {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** Reads the typed event of one line ({@code raw}: the whole line, including {@code event} and {@code time}). */
    static Event parse(String kind, Map<String, Object> raw) {
        int attempt = Wire.integer(raw, "attempt").orElse(0);
        return switch (kind) {
            case JournalEvent.ATTEMPT_START -> new AttemptStart(attempt, Wire.string(raw, "jobId").orElse(""),
                    Wire.string(raw, "host").orElse(""), Wire.integer(raw, "restartCount").orElse(0),
                    Wire.integer(raw, "fromGeneration"), Wire.string(raw, "engine").orElse(""),
                    Wire.string(raw, "engineVersion"), Wire.flag(raw, "local"), Wire.longValue(raw, "pid").orElse(0L),
                    Wire.string(raw, "fromScratch"));
            case JournalEvent.CHECKPOINT -> new Checkpoint(attempt, Wire.integer(raw, "generation"),
                    Trigger.fromWire(Wire.string(raw, "trigger").orElse(null)), Wire.longValue(raw, "durationMs").orElse(0L),
                    Wire.longValue(raw, "bytes").orElse(0L), Wire.flag(raw, "ok"), Wire.string(raw, "error"),
                    Wire.string(raw, "requestId"), timings(raw.get("commit")));
            case JournalEvent.RESTORE -> new Restore(attempt, Wire.integer(raw, "generation").orElse(0), Wire.flag(raw, "ok"),
                    Wire.integer(raw, "fallbackFrom"), Wire.string(raw, "message").orElse(""));
            case JournalEvent.REQUEST -> new Request(attempt, Wire.string(raw, "requestId"), Wire.flag(raw, "stop"),
                    Wire.flag(raw, "accepted"));
            case JournalEvent.REQUEUE -> new Requeue(attempt, Wire.flag(raw, "ok"),
                    RequeueKind.fromWire(Wire.string(raw, "kind").orElse(null)), Wire.string(raw, "message").orElse(""),
                    Wire.longValue(raw, "nextTimeLimitSeconds"), Wire.longValue(raw, "remainingBudgetSeconds"));
            case JournalEvent.ATTEMPT_END -> new AttemptEnd(attempt, EndReason.fromWire(Wire.string(raw, "reason").orElse(null)),
                    Wire.integer(raw, "exitCode"), Wire.decimal(raw, "computeSeconds").orElse(0.0),
                    Wire.decimal(raw, "appSeconds").orElse(0.0), Wire.flag(raw, "requeued"), Wire.integer(raw, "generation"),
                    Wire.string(raw, "message"));
            case JournalEvent.INTERVAL -> new IntervalChoice(attempt, Wire.string(raw, "trigger").orElse(""),
                    Wire.decimal(raw, "intervalSeconds").orElse(0.0), Wire.string(raw, "bound").orElse("unknown"),
                    Wire.decimal(raw, "dalySeconds").orElse(0.0), Wire.decimal(raw, "checkpointSeconds").orElse(0.0),
                    Wire.integer(raw, "checkpointSamples").orElse(0), Wire.decimal(raw, "mtbiSeconds").orElse(0.0),
                    Wire.integer(raw, "interruptions").orElse(0), Wire.decimal(raw, "observedSeconds").orElse(0.0),
                    Wire.decimal(raw, "priorRate").orElse(0.0), Wire.flag(raw, "priorFromSettings"),
                    Wire.decimal(raw, "untilWarningSeconds"));
            case JournalEvent.ATTEMPT_LOST -> new AttemptLost(Wire.string(raw, "jobId").orElse(""), Wire.integer(raw, "attempt"),
                    LostReason.fromWire(Wire.string(raw, "reason").orElse(null)), Wire.string(raw, "node").orElse(""),
                    Wire.string(raw, "requeuedBy"), Wire.string(raw, "message"));
            default -> {
                Map<String, Object> rest = new LinkedHashMap<>(raw);
                rest.remove("event");
                rest.remove("time");
                yield new Unknown(kind, rest);
            }
        };
    }

    private static Optional<Map<String, Long>> timings(Object commit) {
        if (!(commit instanceof Map<?, ?> m)) return Optional.empty();
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getValue() instanceof Number n) out.put(String.valueOf(e.getKey()), n.longValue());
        }
        return Optional.of(out);
    }
}
