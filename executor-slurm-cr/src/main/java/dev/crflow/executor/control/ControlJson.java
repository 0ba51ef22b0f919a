package dev.crflow.executor.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.crflow.dsl.model.ModelJson;

/** The model's JSON mapping, with times as ISO-8601 strings ("2026-11-21T12:00:00Z") as the control files require. */
public final class ControlJson {
    private static final ObjectMapper MAPPER = ModelJson.mapper().copy()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private ControlJson() {}

    public static ObjectMapper mapper() { return MAPPER; }
}
