package dev.crflow.executor.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Optional;

/** One journal line (docs/contracts.md §3), kept as JSON with typed accessors for what the driver reads. */
public record JournalEntry(JsonNode json) {
    public String event() { return json.path("event").asText(); }

    public Optional<Instant> time() {
        try {
            return Optional.of(Instant.parse(json.path("time").asText()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public String text(String field) { return json.path(field).asText(""); }

    public Optional<Integer> integer(String field) {
        JsonNode n = json.get(field);
        return n == null || !n.canConvertToInt() ? Optional.empty() : Optional.of(n.asInt());
    }

    public boolean ok() { return json.path("ok").asBoolean(true); }
}
