package dev.crflow.executor.container;

import dev.crflow.coordinator.container.ContainerProblem;
import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.ContainerSpec;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.TestSteps;
import dev.crflow.executor.slurm.BatchScriptRenderer;
import dev.crflow.executor.slurm.CoordinatorLaunch;
import dev.crflow.executor.slurm.RenderRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerDirectivesTest {
    static final CoordinatorLaunch COORDINATOR = new CoordinatorLaunch(Path.of("/usr/lib/jvm/java-17/bin/java"),
            Path.of("/opt/crflow/coordinator/target/crflow-coordinator.jar"), CoordinatorLaunch.DEFAULT_JVM_FLAGS);

    static Step contained(ContainerRuntime rt, String image, List<String> modules) {
        Step s = TestSteps.simulate();
        return new Step(s.name(), s.after(), s.command(), s.workdir(), s.resources(), s.env(), s.modules(), s.sbatchExtra(),
                s.checkpoint(), Optional.of(new ContainerSpec(image, rt, List.of(), modules)), s.retry(), s.declaredAt());
    }

    /** The NERSC shifter job scripts' header lines (seeds), exactly: #SBATCH --module=cvmfs, #SBATCH --image=IMAGE. */
    @Test
    void shifterHeaderAsInTheNerscScripts() throws IOException {
        Step step = contained(ContainerRuntime.SHIFTER, "mtimalsina/geant4_dmtcp:Dec2023", List.of("cvmfs"));
        String script = new BatchScriptRenderer().render(new RenderRequest(step, "crflow-1a2b3c4d-simulate",
                Path.of("/work/.crflow/steps/simulate"), COORDINATOR, Optional.empty(), List.of()));
        assertTrue(script.contains("#SBATCH --image='mtimalsina/geant4_dmtcp:Dec2023'\n#SBATCH --module='cvmfs'\n"), script);
        golden("shifter.sbatch", script);
        assertEquals(List.of("--image=mtimalsina/geant4_dmtcp:Dec2023", "--module=cvmfs"),
                ContainerDirectives.of(step).stream().flatMap(d -> d.asArguments().stream()).toList());
    }

    @Test
    void otherRuntimesNeedNothingInTheHeader() {
        assertTrue(ContainerDirectives.of(contained(ContainerRuntime.PODMAN_HPC, "mtimalsina/geant4_dmtcp:Dec2023", List.of("cvmfs"))).isEmpty());
        assertTrue(ContainerDirectives.of(contained(ContainerRuntime.PODMAN, "localhost/sim:1", List.of())).isEmpty());
        assertTrue(ContainerDirectives.of(contained(ContainerRuntime.APPTAINER, "/x/sim.sif", List.of())).isEmpty());
        assertTrue(ContainerDirectives.of(TestSteps.simulate()).isEmpty());
    }

    @Test
    void checksNameTheStepAndWhereItWasDeclared() {
        List<ContainerChecks.Problem> p = ContainerChecks.check(List.of(contained(ContainerRuntime.PODMAN, "Bad::", List.of()),
                contained(ContainerRuntime.SHIFTER, "docker:ubuntu:22.04", List.of())), "/nonexistent", true);
        assertEquals(List.of(ContainerProblem.Kind.MALFORMED_REFERENCE, ContainerProblem.Kind.RUNTIME_MISSING,
                ContainerProblem.Kind.RUNTIME_MISSING), p.stream().map(x -> x.problem().kind()).toList());
        assertTrue(p.get(0).message().startsWith("/work/g4.groovy:7: step 'simulate': malformed podman image reference 'Bad::'"), p.get(0).message());
        assertFalse(ContainerChecks.onlyEnvironment(p));
        assertTrue(ContainerChecks.onlyEnvironment(p.subList(1, 3)));
        assertTrue(ContainerChecks.check(List.of(TestSteps.simulate()), "/nonexistent", true).isEmpty());
    }

    static void golden(String name, String actual) throws IOException {
        String resource = "/golden/container/" + name;
        if (Boolean.getBoolean("crflow.golden.update")) {
            Path p = Path.of("src/test/resources" + resource);
            Files.createDirectories(p.getParent());
            Files.writeString(p, actual);
            return;
        }
        try (InputStream in = ContainerDirectivesTest.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing golden file " + resource);
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, "rendered script differs from golden" + resource);
        }
    }
}
