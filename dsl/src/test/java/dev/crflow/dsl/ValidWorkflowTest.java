package dev.crflow.dsl;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.ContainerSpec;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import dev.crflow.dsl.model.Workflow;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidWorkflowTest {
    static Path resource(String name) {
        try {
            return Path.of(ValidWorkflowTest.class.getResource("/valid/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theIssuesFullExampleLoadsVerbatimWithEveryValueResolved() throws DslException {
        Path file = resource("issue-example.groovy");
        LoadResult result = WorkflowLoader.check(file, Optional.empty());
        // forward belongs to engine 'signal': with dmtcp it is dropped, and the user is told so; dmtcp keeps state files,
        // but not inside a container (the step has one)
        assertEquals(List.of(
                file + ":21: warning: forward is only used by engine 'signal'; ignored with engine 'dmtcp' (step 'simulate')",
                file + ":22: warning: state is not kept by engine 'dmtcp' inside a container; ignored (step 'simulate')"),
                result.diagnostics().stream().map(Diagnostic::format).toList());
        Workflow w = result.orThrow();
        String dir = file.getParent().toString();
        assertEquals("g4-sim", w.name());
        assertEquals(file.toString(), w.sourceFile());
        assertEquals(dir, w.baseDir());

        Resources defaults = new Resources(Optional.of("debug"), Optional.of("m1234"), Optional.of("regular"),
                Optional.of("cpu"), Optional.of(Duration.ofHours(1)), Optional.empty(), 1, 1, 1, Optional.empty());
        Step prepare = new Step("prepare", List.of(), new StepCommand(StepCommand.Kind.COMMAND, "python3 prepare.py"),
                dir, defaults, Map.of(), List.of(), List.of(), CheckpointPolicy.none(), Optional.empty(), 0,
                new SourceLocation(file.toString(), 7));
        assertEquals(prepare, w.steps().get(0));

        Step expected = new Step("simulate", List.of("prepare"), new StepCommand(StepCommand.Kind.COMMAND, "./my_g4.sh"),
                dir + "/runs/sim",
                new Resources(Optional.of("debug"), Optional.of("m1234"), Optional.of("regular"), Optional.of("cpu"),
                        Optional.of(Duration.ofHours(1)), Optional.of(Duration.ofMinutes(45)), 1, 1, 2, Optional.of(4096L)),
                Map.of("OMP_NUM_THREADS", "2"), List.of("dmtcp"), List.of("--exclusive"),
                new CheckpointPolicy(Engine.DMTCP, Optional.of(Duration.ofMinutes(5)), "USR1", Duration.ofSeconds(60),
                        Optional.empty(), List.of(), 2, 50, Optional.of(Duration.ofHours(72))),
                Optional.of(new ContainerSpec("docker:mtimalsina/geant4_dmtcp:Dec2023", ContainerRuntime.SHIFTER,
                        List.of("/cvmfs:/cvmfs"), List.of("cvmfs"))),
                2, new SourceLocation(file.toString(), 8));
        assertEquals(expected, w.steps().get(1));

        assertEquals(List.of(new PolicyRule("sim*",
                Optional.of(new CheckpointPolicy(Engine.DMTCP, Optional.of(Duration.ofMinutes(10)), "USR1",
                        Duration.ofSeconds(60), Optional.empty(), List.of(), 2, 50, Optional.empty())),
                Optional.of(new ContainerSpec("docker:x/y:1", ContainerRuntime.PODMAN_HPC, List.of(), List.of())),
                Optional.empty(), new SourceLocation(file.toString(), 37))), w.policy());
        assertTrue(w.policyFor("simulate").isPresent());
        assertFalse(w.policyFor("prepare").isPresent());
    }

    @Test
    void profileDefaultsApplyOnTopOfTheWorkflowDefaults() throws DslException {
        Workflow plain = WorkflowLoader.load(resource("issue-example.groovy"), Optional.of("perlmutter"));
        assertEquals(Optional.of("perlmutter"), plain.profile());
        assertEquals(Optional.of("cpu"), plain.steps().get(0).resources().constraint());

        Workflow big = WorkflowLoader.load(resource("sweep.groovy"), Optional.of("big"));
        Step sim = big.step("sim-7").orElseThrow();
        assertEquals(2, sim.resources().nodes());
        assertEquals(Optional.of(65536L), sim.resources().memMb());
        assertEquals(Optional.of("debug"), sim.resources().partition());
    }

    @Test
    void groovyLoopsGenerateSweepSteps() throws DslException {
        Workflow w = WorkflowLoader.load(resource("sweep.groovy"), Optional.empty());
        assertEquals(302, w.steps().size());
        Step sim = w.step("sim-10").orElseThrow();
        assertEquals(List.of("sim-7"), sim.after());
        assertEquals("./sim --seed 10", sim.command().text());
        assertEquals(Map.of("SEED", "10"), sim.env());
        assertEquals(Engine.DMTCP, sim.checkpoint().engine());
        assertEquals(3, sim.checkpoint().keep());
        assertEquals(Optional.of(Duration.ofMinutes(10)), sim.checkpoint().interval());
        assertEquals(List.of("prepare"), w.step("sim-1").orElseThrow().after());

        Step merge = w.step("merge").orElseThrow();
        assertEquals(List.of("sim-298", "sim-299", "sim-300"), merge.after());
        assertEquals(new StepCommand(StepCommand.Kind.SCRIPT, "set -euo pipefail\npython3 merge.py out/*.h5\n"), merge.command());
        // engine 'none' in the step: the inherited interval does not carry over
        assertEquals(Engine.NONE, merge.checkpoint().engine());
        assertEquals(Optional.empty(), merge.checkpoint().interval());
    }

    @Test
    void signalEngineSettingsAndMergedEnvAndModules() throws DslException {
        Workflow w = WorkflowLoader.load(resource("signal-engine.groovy"), Optional.empty());
        Step count = w.step("count").orElseThrow();
        assertEquals(Engine.SIGNAL, count.checkpoint().engine());
        assertEquals("USR1", count.checkpoint().signal());
        assertEquals(Duration.ofSeconds(90), count.checkpoint().lead());
        assertEquals(Optional.of("USR1"), count.checkpoint().forward(), "forward defaults to the warning signal");
        assertEquals(List.of("state.json", "out/"), count.checkpoint().state());
        assertEquals(10, count.checkpoint().maxRestarts());
        assertEquals(Optional.of(Duration.ofHours(2)), count.checkpoint().totalTime());
        assertEquals(List.of("LANG", "COUNT_TO"), List.copyOf(count.env().keySet()));
        assertEquals("1000", count.env().get("COUNT_TO"));
        assertEquals(List.of("python", "gcc/12"), count.modules());
        assertTrue(count.workdir().endsWith("/work/count"));

        Step fwd = w.step("count-forward").orElseThrow();
        assertEquals("USR2", fwd.checkpoint().signal());
        assertEquals(Optional.of("INT"), fwd.checkpoint().forward());
        assertEquals(Optional.of(Duration.ofMinutes(15)), fwd.resources().time(), "a bare number is minutes, as in Slurm");
        assertEquals(1, fwd.retry());
    }

    @Test
    void policyOnlyFileLoadsForTheBridges() throws DslException {
        Path file = resource("policy-only.groovy");
        Workflow w = WorkflowLoader.loadPolicy(file);
        assertEquals("policy-only", w.name());
        assertTrue(w.steps().isEmpty());
        assertEquals(3, w.policy().size());
        PolicyRule sim = w.policyFor("SIM_LONG").orElseThrow();
        assertEquals(Duration.ofMinutes(2), sim.checkpoint().orElseThrow().lead());
        assertEquals(Optional.of(2), sim.retry());
        assertEquals(List.of("/cvmfs:/cvmfs:ro"), sim.container().orElseThrow().mounts());
        assertEquals(Engine.SIGNAL, w.policyFor("MAIN:ALIGN_1").orElseThrow().checkpoint().orElseThrow().engine());
        assertEquals("*", w.policyFor("OTHER").orElseThrow().glob());
        // a policy-only file is not a workflow
        DslException e = assertThrows(DslException.class, () -> WorkflowLoader.load(file, Optional.empty()));
        assertEquals(file + ": no workflow('name') { … } block in this file", e.getMessage());
        // a workflow file with a policy block also works for the bridges
        assertEquals(1, WorkflowLoader.loadPolicy(resource("issue-example.groovy")).policy().size());
    }

    @Test
    void incrementalIsOnByDefaultAndCanBeTurnedOffForAStep() throws DslException {
        Workflow w = WorkflowLoader.parse("""
                workflow('incr') {
                  defaults { checkpoint { engine 'criu'; interval '10m' } }
                  step('on') { command 'true' }
                  step('off') { command 'true'; checkpoint { incremental false } }
                }
                """, "incr.groovy", Path.of("/tmp/base"), Optional.empty());
        assertTrue(w.step("on").orElseThrow().checkpoint().incremental());
        assertFalse(w.step("off").orElseThrow().checkpoint().incremental());
        assertEquals(Engine.CRIU, w.step("off").orElseThrow().checkpoint().engine());
    }

    @Test
    void defaultsBlocksMergeFieldByFieldAndStepsOverride() throws DslException {
        Workflow w = WorkflowLoader.parse("""
                workflow('merge') {
                  defaults {
                    time '2h'; mem 2048; env A: '1', B: '2'; modules 'a'; sbatch '--exclusive'
                    checkpoint { engine 'signal'; forward 'INT'; state 's'; keep 5 }
                    container('localhost/base:1') { runtime 'podman'; mount '/data:/data' }
                  }
                  step('x') {
                    command 'true'
                    env B: 'two', C: '3'; modules 'b', 'a'; sbatch '--gres=gpu:1'
                    checkpoint { engine 'dmtcp'; interval '20m' }
                    container('localhost/x:2') { mount '/scratch:/scratch' }
                  }
                  step('y') { command 'true'; time '3h' }
                }
                """, "merge.groovy", Path.of("/tmp/base"), Optional.empty());
        Step x = w.step("x").orElseThrow();
        assertEquals(Map.of("A", "1", "B", "two", "C", "3"), x.env());
        assertEquals(List.of("A", "B", "C"), List.copyOf(x.env().keySet()));
        assertEquals(List.of("a", "b"), x.modules());
        assertEquals(List.of("--exclusive", "--gres=gpu:1"), x.sbatchExtra());
        // the step changes the engine: forward/state of the inherited 'signal' engine are dropped, keep stays
        assertEquals(new CheckpointPolicy(Engine.DMTCP, Optional.of(Duration.ofMinutes(20)), "USR1", Duration.ofSeconds(60),
                Optional.empty(), List.of(), 5, 50, Optional.empty()), x.checkpoint());
        assertEquals(new ContainerSpec("localhost/x:2", ContainerRuntime.PODMAN, List.of("/data:/data", "/scratch:/scratch"), List.of()),
                x.container().orElseThrow());
        assertEquals("/tmp/base", x.workdir());
        Step y = w.step("y").orElseThrow();
        assertEquals(Optional.of(Duration.ofHours(3)), y.resources().time());
        assertEquals(Optional.of("INT"), y.checkpoint().forward());
        assertEquals(List.of("s"), y.checkpoint().state());
    }

    @Test
    void intervalAutoInheritsAndIsReplacedByAFixedInterval() throws DslException {
        Workflow w = WorkflowLoader.parse("""
                workflow('auto') {
                  defaults { time '2h'; checkpoint { engine 'dmtcp'; interval 'auto' } }
                  step('a') { command 'true' }
                  step('b') { command 'true'; checkpoint { interval '20m' } }
                  step('c') { command 'true'; time '10m'; checkpoint { engine 'signal'; state 's'; interval 'auto' } }
                }
                """, "auto.groovy", Path.of("/tmp/base"), Optional.empty());
        CheckpointPolicy a = w.step("a").orElseThrow().checkpoint();
        assertTrue(a.autoInterval());
        assertEquals(Optional.empty(), a.interval());
        assertEquals(Optional.empty(), a.interruptionRate());
        CheckpointPolicy b = w.step("b").orElseThrow().checkpoint();
        assertFalse(b.autoInterval());
        assertEquals(Optional.of(Duration.ofMinutes(20)), b.interval());
        assertTrue(w.step("c").orElseThrow().checkpoint().autoInterval());
        // the JSON every reader gets (spec.json, show --json): the fixed form unchanged, 'auto' as its own field
        String json = dev.crflow.dsl.model.ModelJson.toJson(w.step("a").orElseThrow());
        assertTrue(json.contains("\"interval\" : null") && json.contains("\"autoInterval\" : true"), json);
    }

    @Test
    void durationAndMemoryFormsAreAccepted() throws DslException {
        Workflow w = WorkflowLoader.parse("""
                workflow('forms') {
                  step('a') { command 'true'; time '90s'; mem '500M' }
                  step('b') { command 'true'; time '1h30m'; mem '1.5G' }
                  step('c') { command 'true'; time '2-00:00:00'; mem '1T' }
                  step('d') { command 'true'; time '45'; mem 4096 }
                  step('e') { command 'true'; time '45:30' }
                  step('f') { command 'true'; time '1-12' }
                  step('g') { command 'true'; time '1-12:30' }
                  step('h') { command 'true'; time '72h' }
                }
                """, "forms.groovy", Path.of("/tmp"), Optional.empty());
        assertEquals(Duration.ofSeconds(90), time(w, "a"));
        assertEquals(Duration.ofMinutes(90), time(w, "b"));
        assertEquals(Duration.ofDays(2), time(w, "c"));
        assertEquals(Duration.ofMinutes(45), time(w, "d"));
        assertEquals(Duration.ofMinutes(45).plusSeconds(30), time(w, "e"));
        assertEquals(Duration.ofHours(36), time(w, "f"));
        assertEquals(Duration.ofHours(36).plusMinutes(30), time(w, "g"));
        assertEquals(Duration.ofHours(72), time(w, "h"));
        assertEquals(Optional.of(500L), w.step("a").orElseThrow().resources().memMb());
        assertEquals(Optional.of(1536L), w.step("b").orElseThrow().resources().memMb());
        assertEquals(Optional.of(1024L * 1024), w.step("c").orElseThrow().resources().memMb());
        assertEquals(Optional.of(4096L), w.step("d").orElseThrow().resources().memMb());
    }

    private static Duration time(Workflow w, String step) {
        return w.step(step).orElseThrow().resources().time().orElseThrow();
    }

    @Test
    void workflowWithWarningsStillLoads() throws DslException {
        LoadResult r = WorkflowLoader.checkText("""
                workflow('w') {
                  step('a') {
                    command 'true'
                    time '1h'; time '2h'
                    env SLURM_FOO: 'x'
                  }
                }
                """, "w.groovy", Path.of("/tmp"), Optional.empty());
        assertTrue(r.ok());
        assertEquals(List.of(
                "w.groovy:4: warning: time is set twice in this block (first on line 4); the last value wins",
                "w.groovy:5: warning: env SLURM_FOO: Slurm sets SLURM_ variables itself; this value may be overwritten"),
                r.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(Duration.ofHours(2), r.orThrow().steps().get(0).resources().time().orElseThrow());
    }

    @Test
    void diagnosticToStringIsFileLineMessage() {
        Diagnostic d = new Diagnostic("a.groovy", 3, Severity.WARNING, "careful");
        assertEquals("a.groovy:3: careful", d.toString());
        assertEquals("a.groovy:3: warning: careful", d.format());
        assertEquals("a.groovy: whole file", new Diagnostic("a.groovy", 0, Severity.ERROR, "whole file").toString());
    }

    @Test
    void missingFileIsADiagnostic() {
        DslException e = assertThrows(DslException.class, () -> WorkflowLoader.load(Path.of("/nonexistent/w.groovy"), Optional.empty()));
        assertEquals(List.of(new Diagnostic("/nonexistent/w.groovy", 0, Severity.ERROR, "no such file")), e.diagnostics());
    }

    @Test
    void leadAloneKeepsTheDefaultSignalAndEmptyBlocksWarn() throws DslException {
        LoadResult r = WorkflowLoader.checkText("""
                workflow('w') {
                  step('a') { command 'true'; time '2h'; checkpoint { engine 'criu'; signal lead: '5m' } }
                }
                policy { }
                """, "w.groovy", Path.of("/tmp"), Optional.empty());
        assertEquals(List.of("w.groovy:4: warning: policy block without match('glob') { … } rules: it applies to nothing"),
                r.diagnostics().stream().map(Diagnostic::format).toList());
        CheckpointPolicy c = r.orThrow().steps().get(0).checkpoint();
        assertEquals("USR1", c.signal());
        assertEquals(Duration.ofMinutes(5), c.lead());
        assertEquals(Engine.CRIU, c.engine());

        LoadResult empty = WorkflowLoader.checkText("workflow('w') { }\n", "e.groovy", Path.of("/tmp"), Optional.empty());
        assertTrue(empty.ok());
        assertEquals(List.of("e.groovy:1: warning: workflow 'w' has no steps"), empty.diagnostics().stream().map(Diagnostic::format).toList());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"criu", "dmtcp"})
    void stateIsKeptForTransparentEnginesWithoutAWarning(String engine) throws DslException {
        LoadResult r = WorkflowLoader.checkText("""
                workflow('w') {
                  step('a') { command 'true'; time '2h'; checkpoint { engine 'ENGINE'; state 'out.txt', 'logs/' } }
                }
                """.replace("ENGINE", engine), "w.groovy", Path.of("/tmp"), Optional.empty());
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(List.of("out.txt", "logs/"), r.orThrow().steps().get(0).checkpoint().state());
    }

    @Test
    void compressAndDedupAreCheckpointKeywordsDefaultingByEngine() throws DslException {
        LoadResult r = WorkflowLoader.checkText("""
                workflow('w') {
                  defaults { checkpoint { dedup false } }
                  step('a') { command 'true'; time '2h'; checkpoint { engine 'dmtcp' } }
                  step('b') { command 'true'; time '2h'; checkpoint { engine 'criu'; compress false; dedup true } }
                  step('c') { command 'true'; time '2h'; checkpoint { engine 'signal'; state 's'; compress true } }
                }
                """, "w.groovy", Path.of("/tmp"), Optional.empty());
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::format).toList());
        var steps = r.orThrow().steps();
        assertEquals(List.of(true, false, true), steps.stream().map(st -> st.checkpoint().compress()).toList());
        assertEquals(List.of(false, true, false), steps.stream().map(st -> st.checkpoint().dedup()).toList());
        LoadResult bad = WorkflowLoader.checkText("""
                workflow('w') { step('a') { command 'true'; checkpoint { engine 'dmtcp'; compress 'maybe' } } }
                """, "w.groovy", Path.of("/tmp"), Optional.empty());
        assertEquals(List.of("w.groovy:1: compress must be true or false, not 'maybe' (known: true, false)"),
                bad.diagnostics().stream().map(Diagnostic::format).toList());
    }

    @Test
    void stateWithEngineNoneIsIgnoredWithAWarningNamingTheEnginesThatKeepIt() throws DslException {
        LoadResult r = WorkflowLoader.checkText("""
                workflow('w') {
                  step('a') { command 'true'; time '2h'; checkpoint { engine 'none'; state 'out.txt' } }
                }
                """, "w.groovy", Path.of("/tmp"), Optional.empty());
        assertEquals(List.of("w.groovy:2: warning: state is only used by engines 'signal', 'criu' and 'dmtcp'; ignored with engine 'none' (step 'a')"),
                r.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(List.of(), r.orThrow().steps().get(0).checkpoint().state());
    }
}
