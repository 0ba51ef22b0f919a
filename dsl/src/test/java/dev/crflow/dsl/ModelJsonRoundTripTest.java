package dev.crflow.dsl;

import dev.crflow.dsl.model.ModelJson;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model → JSON → model gives an equal model (what the executor writes, the coordinator and bridges read). */
class ModelJsonRoundTripTest {
    @ParameterizedTest
    @ValueSource(strings = {"issue-example.groovy", "sweep.groovy", "signal-engine.groovy", "policy-only.groovy"})
    void workflowRoundTrips(String name) throws DslException {
        Workflow w = WorkflowLoader.checkAny(ValidWorkflowTest.resource(name), Optional.empty()).orThrow();
        String json = ModelJson.toJson(w);
        assertEquals(w, ModelJson.fromJson(json, Workflow.class));
        assertEquals(json, ModelJson.toJson(ModelJson.fromJson(json, Workflow.class)));
        for (Step s : w.steps()) {
            assertEquals(s, ModelJson.fromJson(ModelJson.toJson(s), Step.class));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"issue-example.groovy"})
    void jsonUsesIsoDurationsNullOptionalsAndEnumNames(String name) throws DslException {
        String json = ModelJson.toJson(WorkflowLoader.load(ValidWorkflowTest.resource(name), Optional.empty()));
        assertTrue(json.contains("\"time\" : \"PT1H\""), json);
        assertTrue(json.contains("\"timeMin\" : null"), json);
        assertTrue(json.contains("\"engine\" : \"DMTCP\""), json);
        assertTrue(json.contains("\"runtime\" : \"SHIFTER\""), json);
        assertTrue(json.contains("\"totalTime\" : \"PT72H\""), json);
    }
}
