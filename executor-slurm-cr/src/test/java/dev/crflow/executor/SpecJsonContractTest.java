package dev.crflow.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.spec.StepSpec;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.ModelJson;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract between the DSL's model and the coordinator's own tolerant reader of {@code spec.json}
 * (docs/contracts.md). The executor writes spec.json as {@code ModelJson.toJson(step)} (StepControlDir.writeSpec);
 * the coordinator reads it with {@link SpecReader}. For a corpus of varied steps, every field the coordinator
 * reads must be in the JSON under the same name and come back with the same value, so a rename or a new
 * encoding on either side fails the build (the frozen fixture in the coordinator's tests cannot notice that).
 */
class SpecJsonContractTest {
    @TempDir Path dir;

    private static final String CORPUS = """
            workflow('corpus') {
              defaults { env LANG: 'C' }
              step('dmtcp-all-fields') {
                command './sim --n 3'
                workdir 'runs/sim'
                time '01:30:00'; timeMin '45m'
                nodes 2; ntasks 4; cpusPerTask 2; mem '4G'
                env OMP_NUM_THREADS: '2', QUOTE: "it's \\"quoted\\""
                checkpoint {
                  engine 'dmtcp'; interval '5m'; signal 'USR2', lead: '90s'
                  keep 3; maxRestarts 7; totalTime '72h'
                }
                container('docker:x/geant4:1') { runtime 'shifter'; mount '/cvmfs:/cvmfs'; module 'cvmfs' }
                retry 2
              }
              step('criu-script') {
                script '''
                  set -e
                  ./a && ./b
                '''
                checkpoint { engine 'criu'; signal 'TERM', lead: '2m'; keep 1; maxRestarts 0; incremental false }
                container('localhost/sim:2') { runtime 'podman-hpc' }
              }
              step('signal-engine') {
                command 'python3 count.py'
                time 15
                checkpoint {
                  engine 'signal'; signal 12, lead: '1m'; forward 'int'
                  state 'state.json', 'out/'; totalTime '1d'; fromScratch 'allow'
                }
                container('localhost/count:1') { runtime 'podman'; mount '/data:/data:ro' }
              }
              step('signal-default-forward') {
                command './count'
                checkpoint { engine 'signal'; state 'c.state'; interval '30s' }
                container('docker://alpine:3') { runtime 'apptainer' }
              }
              step('auto-interval') { command './sim'; time '2h'; checkpoint { engine 'dmtcp'; interval 'auto' } }
              step('no-checkpoint-no-time') { command 'true'; retry 1 }
            }
            """;

    private List<Step> corpus() throws IOException {
        var result = WorkflowLoader.checkText(CORPUS, "corpus.groovy", dir, Optional.empty());
        assertTrue(result.ok(), result.diagnostics().toString());
        Workflow wf = result.workflow().orElseThrow();
        return wf.steps();
    }

    @Test
    void everyFieldTheCoordinatorReadsRoundTrips() throws IOException {
        List<Step> steps = corpus();
        assertEquals(6, steps.size());
        // the site's prior, as SettingsFiles.apply puts it on a step with interval 'auto'
        steps = steps.stream().map(st -> !st.checkpoint().autoInterval() ? st : new Step(st.name(), st.after(), st.command(),
                st.workdir(), st.resources(), st.env(), st.modules(), st.sbatchExtra(),
                st.checkpoint().withInterruptionRate(Optional.of(0.05)), st.container(), st.retry(), st.declaredAt())).toList();
        for (Step step : steps) {
            Path spec = dir.resolve(step.name() + ".json");
            Files.writeString(spec, ModelJson.toJson(step));          // exactly what StepControlDir.writeSpec writes
            StepSpec read = SpecReader.read(spec);

            // 1. field by field, typed
            assertEquals(step.name(), read.name());
            assertEquals(step.command().kind().name(), read.command().kind().name(), step.name());
            assertEquals(step.command().text(), read.command().text(), step.name());
            assertEquals(step.workdir(), read.workdir(), step.name());
            assertEquals(step.env(), read.env(), step.name());
            assertEquals(step.retry(), read.retry(), step.name());
            assertEquals(step.resources().time(), read.resources().time(), step.name());
            assertEquals(step.resources().timeMin(), read.resources().timeMin(), step.name());
            var cp = step.checkpoint();
            var p = read.checkpoint();
            assertEquals(cp.engine().name(), p.engine().name(), step.name());
            assertEquals(cp.interval(), p.interval(), step.name());
            assertEquals(cp.signal(), p.signal(), step.name());
            assertEquals(cp.lead(), p.lead(), step.name());
            assertEquals(cp.forward(), p.forward(), step.name());
            assertEquals(cp.state(), p.state(), step.name());
            assertEquals(cp.keep(), p.keep(), step.name());
            assertEquals(cp.maxRestarts(), p.maxRestarts(), step.name());
            assertEquals(cp.totalTime(), p.totalTime(), step.name());
            assertEquals(cp.autoInterval(), p.autoInterval(), step.name());
            assertEquals(cp.interruptionRate(), p.interruptionRate(), step.name());
            assertEquals(cp.incremental(), p.incremental(), step.name());
            assertEquals(cp.fromScratch().name(), p.fromScratch().name(), step.name());
            assertEquals(step.container().isPresent(), read.container().isPresent(), step.name());
            step.container().ifPresent(c -> {
                var rc = read.container().orElseThrow();
                assertEquals(c.image(), rc.image(), step.name());
                assertEquals(c.runtime().name(), rc.runtime(), step.name());
                assertEquals(c.mounts(), rc.mounts(), step.name());
                assertEquals(c.modules(), rc.modules(), step.name());
            });

            // 2. structurally: every field of StepSpec, at any depth, is in the model's JSON with the same value,
            //    so a field added to StepSpec without its twin in the model fails here too
            JsonNode written = ModelJson.mapper().readTree(Files.readString(spec));
            JsonNode reread = SpecReader.mapper().valueToTree(read);
            List<String> problems = new ArrayList<>();
            compare("", reread, written, problems);
            assertEquals(List.of(), problems, step.name());
        }
    }

    @Test
    void theCorpusCoversEveryEngineRuntimeAndOptionalField() throws IOException {
        List<Step> steps = corpus();
        Set<String> engines = new TreeSet<>();
        Set<String> runtimes = new TreeSet<>();
        for (Step s : steps) {
            engines.add(s.checkpoint().engine().name());
            s.container().ifPresent(c -> runtimes.add(c.runtime().name()));
        }
        assertEquals(new TreeSet<>(List.of(dev.crflow.dsl.model.Engine.values()).stream().map(Enum::name).toList()), engines);
        assertEquals(new TreeSet<>(List.of(dev.crflow.dsl.model.ContainerRuntime.values()).stream().map(Enum::name).toList()), runtimes);
        assertTrue(steps.stream().anyMatch(s -> s.checkpoint().totalTime().isPresent()));
        assertTrue(steps.stream().anyMatch(s -> s.checkpoint().totalTime().isEmpty()));
        assertTrue(steps.stream().anyMatch(s -> s.checkpoint().interval().isPresent()));
        assertTrue(steps.stream().anyMatch(s -> s.checkpoint().autoInterval()));
        assertEquals(new TreeSet<>(List.of(dev.crflow.dsl.model.FromScratch.values()).stream().map(Enum::name).toList()),
                new TreeSet<>(steps.stream().map(s -> s.checkpoint().fromScratch().name()).toList()));
        assertTrue(steps.stream().anyMatch(s -> s.checkpoint().forward().isPresent()));
        assertTrue(steps.stream().anyMatch(s -> s.resources().timeMin().isPresent()));
        assertTrue(steps.stream().anyMatch(s -> s.resources().time().isEmpty()));
        assertTrue(steps.stream().anyMatch(s -> s.container().isEmpty()));
        assertTrue(steps.stream().anyMatch(s -> s.command().kind().name().equals("SCRIPT")));
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> problems) {
        if (expected.isObject()) {
            if (actual == null || !actual.isObject()) {
                problems.add(path + ": the model writes " + actual + ", the coordinator reads an object");
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> it = ((ObjectNode) expected).fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path + "/" + e.getKey();
                if (!actual.has(e.getKey())) problems.add(p + ": read by the coordinator, not written by the model");
                else compare(p, e.getValue(), actual.get(e.getKey()), problems);
            }
        } else if (!expected.equals(actual)) {
            problems.add(path + ": written " + actual + ", read back as " + expected);
        }
    }
}
