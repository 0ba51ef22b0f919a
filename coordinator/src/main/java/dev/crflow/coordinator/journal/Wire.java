package dev.crflow.coordinator.journal;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tolerant reading of journal fields: hand-edited or older lines may carry a number as a string, a missing field or
 * JSON null; none of that is an error for a reader (docs/contracts.md §3: "readers ignore fields they do not know").
 */
final class Wire {
    private Wire() {}

    static <E extends Enum<E>> E lookup(E[] values, Function<E, String> wire, String name, E unknown) {
        if (name == null) return unknown;
        for (E e : values) {
            if (e != unknown && wire.apply(e).equals(name)) return e;
        }
        return unknown;
    }

    static Optional<String> string(Map<String, Object> raw, String key) {
        Object v = raw.get(key);
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    static Optional<Long> longValue(Map<String, Object> raw, String key) {
        Object v = raw.get(key);
        if (v instanceof Number n) return Optional.of(n.longValue());
        if (v instanceof String s) {
            try {
                return Optional.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static Optional<Integer> integer(Map<String, Object> raw, String key) {
        return longValue(raw, key).map(Long::intValue);
    }

    static Optional<Double> decimal(Map<String, Object> raw, String key) {
        Object v = raw.get(key);
        if (v instanceof Number n) return Optional.of(n.doubleValue());
        if (v instanceof String s) {
            try {
                return Optional.of(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static boolean flag(Map<String, Object> raw, String key) {
        Object v = raw.get(key);
        return v instanceof Boolean b ? b : v instanceof String s && s.equals("true");
    }
}
