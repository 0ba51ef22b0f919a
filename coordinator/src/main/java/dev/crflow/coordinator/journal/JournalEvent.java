package dev.crflow.coordinator.journal;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One line of {@code journal.jsonl} (docs/contracts.md §3): its time, its typed payload ({@link #typed()}, the way to
 * read it), and the raw map. The field accessors below read the raw map ({@code Optional.empty()} when absent, never a
 * made-up default); they predate {@link Event} and stay for the readers that use them.
 */
public record JournalEvent(String event, Instant time, Map<String, Object> raw) {

    public static final String ATTEMPT_START = "attempt-start";
    public static final String CHECKPOINT = "checkpoint";
    public static final String RESTORE = "restore";
    public static final String REQUEUE = "requeue";
    public static final String ATTEMPT_END = "attempt-end";
    public static final String REQUEST = "request";
    public static final String INTERVAL = "interval";
    /** Written by drivers for a job that ended without a result ({@link Event.AttemptLost}). */
    public static final String ATTEMPT_LOST = "attempt-lost";
    /** Never written by any version; kept for source compatibility. */
    @Deprecated
    public static final String BUDGET = "budget";

    /** The typed payload; an {@link Event.Unknown} for a kind this version does not know. */
    public Event typed() { return Event.parse(event, raw); }

    public Optional<Integer> attempt() { return integer("attempt"); }
    public Optional<Integer> generation() { return integer("generation"); }
    public Optional<Integer> exitCode() { return integer("exitCode"); }
    public Optional<String> reason() { return string("reason"); }
    public Optional<String> trigger() { return string("trigger"); }
    public Optional<String> jobId() { return string("jobId"); }
    public Optional<String> host() { return string("host"); }
    public Optional<String> error() { return string("error"); }
    public Optional<String> message() { return string("message"); }
    public Optional<String> requestId() { return string("requestId"); }
    public Optional<Long> durationMs() { return longValue("durationMs"); }
    public Optional<Long> bytes() { return longValue("bytes"); }
    public Optional<Integer> fallbackFrom() { return integer("fallbackFrom"); }
    public Optional<Double> computeSeconds() {
        Object v = raw.get("computeSeconds");
        return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }
    /** {@code ok} of checkpoint/restore/requeue events; empty for events without it. */
    public Optional<Boolean> ok() {
        Object v = raw.get("ok");
        return v instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    public boolean is(String name) { return event.equals(name); }

    public Optional<String> string(String key) {
        Object v = raw.get(key);
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    public Optional<Integer> integer(String key) {
        Object v = raw.get(key);
        return v instanceof Number n ? Optional.of(n.intValue()) : Optional.empty();
    }

    public Optional<Long> longValue(String key) {
        Object v = raw.get(key);
        return v instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }
}
