package dev.crflow.coordinator.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.file.Path;

/** Reads {@code spec.json}; also the one Jackson mapper of the coordinator (ISO-8601 times, no timestamps). */
public final class SpecReader {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private SpecReader() {}

    public static ObjectMapper mapper() { return MAPPER; }

    public static StepSpec read(Path specJson) throws IOException {
        StepSpec spec = MAPPER.readValue(specJson.toFile(), StepSpec.class);
        if (spec.command() == null || spec.command().text() == null) {
            throw new IOException(specJson + ": no command (\"command\": {\"kind\", \"text\"})");
        }
        if (spec.workdir() == null || spec.workdir().isBlank()) {
            throw new IOException(specJson + ": no workdir");
        }
        return spec;
    }
}
