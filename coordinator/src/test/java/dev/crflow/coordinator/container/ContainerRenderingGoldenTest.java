package dev.crflow.coordinator.container;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The exact command lines of every runtime, against golden files (one argv element per line), and the
 * shifter and podman-hpc renderings against the NERSC job scripts in the seeds.
 * Regenerate the golden files with {@code -Dcrflow.golden.update=true} and review the diff.
 */
class ContainerRenderingGoldenTest {
    static final String WORKDIR = "/global/homes/m/mtimalsina/g4";
    static final String CTL = WORKDIR + "/.crflow/steps/g4";
    static final String IMAGE = "mtimalsina/geant4_dmtcp:Dec2023";

    /** The seeds' Geant4 step, as a crflow step would describe it. */
    static ContainerLaunch seedLaunch(String runtime, String image, List<String> mounts, String engine) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("G4_RUN", "run1.mac");
        env.put("CRFLOW_STEP", "g4");
        return ContainerPlan.of(runtime, image, mounts, List.of("cvmfs"), "g4", "123456", Path.of(WORKDIR), Path.of(CTL),
                Path.of(CTL, "container"), env, engine, false);
    }

    static final List<String> APP = List.of("/bin/bash", "-c", "./my_g4.sh");

    static List<String> dmtcpLaunch(ContainerLaunch l) {
        return new ContainerDriver(l, noRunner()).launchDmtcp(CTL + "/container/run", CTL + "/images/.partial-dmtcp",
                Optional.empty(), Optional.of(CTL + "/exit-marker"), APP);
    }

    static List<String> dmtcpRestart(ContainerLaunch l) {
        return new ContainerDriver(l, noRunner()).restartDmtcp(CTL + "/container/run", CTL + "/images/.partial-dmtcp",
                CTL + "/images/gen-000003", Optional.empty(), Optional.of(CTL + "/exit-marker"));
    }

    static List<String> helperCheckpoint(ContainerLaunch l) {
        return ContainerRuntime.of(l.runtime()).helper(l, Shim.dmtcpCheckpoint(CTL + "/container/run"));
    }

    static List<String> signalApp(ContainerLaunch l) {
        return new ContainerDriver(l, noRunner()).launchApplication(Optional.empty(), APP);
    }

    static CommandRunner noRunner() {
        return (c, e, t) -> { throw new AssertionError("rendering must not run anything"); };
    }

    @Test
    void shifter() throws IOException {
        ContainerLaunch l = seedLaunch("shifter", IMAGE, List.of(), "dmtcp");
        golden("shifter-dmtcp-launch", dmtcpLaunch(l));
        golden("shifter-dmtcp-restart", dmtcpRestart(l));
        golden("shifter-dmtcp-checkpoint", helperCheckpoint(l));
        assertTrue(ContainerRuntime.of(RuntimeKind.SHIFTER).cleanup(l).isEmpty());
    }

    @Test
    void podmanHpc() throws IOException {
        ContainerLaunch l = seedLaunch("podman-hpc", IMAGE, List.of(), "dmtcp");
        golden("podman-hpc-dmtcp-launch", dmtcpLaunch(l));
        golden("podman-hpc-dmtcp-restart", dmtcpRestart(l));
        golden("podman-hpc-dmtcp-checkpoint", helperCheckpoint(l));
        golden("podman-hpc-cleanup", ContainerRuntime.of(RuntimeKind.PODMAN_HPC).cleanup(l).orElseThrow());
    }

    @Test
    void apptainer() throws IOException {
        ContainerLaunch l = seedLaunch("apptainer", "/global/common/software/m1234/geant4_dmtcp.sif", List.of("/cvmfs:/cvmfs:ro"), "dmtcp");
        golden("apptainer-dmtcp-launch", dmtcpLaunch(l));
        golden("apptainer-dmtcp-restart", dmtcpRestart(l));
        golden("apptainer-dmtcp-checkpoint", helperCheckpoint(l));
        assertEquals("run1.mac", ContainerRuntime.of(RuntimeKind.APPTAINER).runtimeEnvironment(l).get("APPTAINERENV_G4_RUN"));
    }

    @Test
    void podman() throws IOException {
        ContainerLaunch l = seedLaunch("podman", "localhost/geant4_dmtcp:Dec2023", List.of("/opt/dmtcp:/opt/dmtcp:ro"), "dmtcp");
        golden("podman-dmtcp-launch", dmtcpLaunch(l));
        golden("podman-dmtcp-checkpoint", helperCheckpoint(l));
        ContainerLaunch signal = seedLaunch("podman", "localhost/geant4_dmtcp:Dec2023", List.of(), "signal");
        golden("podman-signal-app", signalApp(signal));
        ContainerLaunch rootless = ContainerPlan.of("podman", "localhost/sim:1", List.of(), List.of(), "sim", "77", Path.of("/home/u/w"),
                Path.of("/home/u/w/.crflow/steps/sim"), Path.of("/home/u/w/.crflow/steps/sim/container"), Map.of(), "signal", true);
        golden("podman-rootless-signal-app", signalApp(rootless));
    }

    /**
     * The seed's shifter line, minus its command, is exactly the start of crflow's; crflow adds only the
     * shim's read-only volume. The seed's {@code #SBATCH --image=}/{@code --module=} are rendered by the executor
     * (tested there).
     */
    @Test
    void shifterMatchesTheSeedScript() throws IOException {
        List<String> seed = seedCommand("seed-shifter-run.sh", "shifter");
        List<String> seedRuntimePart = seed.subList(0, seed.indexOf("/bin/bash"));
        List<String> ours = dmtcpLaunch(seedLaunch("shifter", IMAGE, List.of(), "dmtcp"));
        assertEquals(seedRuntimePart, ours.subList(0, seedRuntimePart.size()),
                "crflow's shifter line starts exactly as the NERSC script's");
        assertEquals(List.of("--volume=" + CTL + "/container:/opt/crflow:ro", "/bin/sh", "/opt/crflow/crflow-shim.sh", "dmtcp-launch"),
                ours.subList(seedRuntimePart.size(), seedRuntimePart.size() + 4));
    }

    /**
     * Every option of the seed's podman-hpc line appears in crflow's, in the same order, after these deliberate
     * substitutions (each one documented in docs/containers.md).
     */
    @Test
    void podmanHpcMatchesTheSeedScript() throws IOException {
        Map<String, String> substitutions = new LinkedHashMap<>();
        substitutions.put("-it", null);                                      // a batch job has no terminal
        substitutions.put("SLURM_JOBID=${SLURM_JOB_ID}", "SLURM_*");          // every SLURM_ variable, by name
        substitutions.put("$(pwd):/podman-hpc", WORKDIR + ":" + WORKDIR);    // the workdir at its own path
        substitutions.put("/podman-hpc", WORKDIR);                           // ... and as the container's cwd
        List<String> seed = seedCommand("seed-podman-hpc-run.sh", "podman-hpc");
        List<String> expected = new ArrayList<>();
        for (String t : seed.subList(0, seed.indexOf("/bin/bash"))) {
            if (substitutions.containsKey(t)) {
                if (substitutions.get(t) != null) expected.add(substitutions.get(t));
            } else {
                expected.add(t);
            }
        }
        List<String> ours = dmtcpLaunch(seedLaunch("podman-hpc", IMAGE, List.of(), "dmtcp"));
        assertSubsequence(expected, ours.subList(0, ours.indexOf(IMAGE) + 1));
        // the image ends the options: nothing of crflow's runtime options after it
        assertEquals(List.of("/bin/sh", "/opt/crflow/crflow-shim.sh"), ours.subList(ours.indexOf(IMAGE) + 1, ours.indexOf(IMAGE) + 3));
    }

    @Test
    void podmanProbeNeverPullsAndHasNoName() {
        ContainerLaunch l = seedLaunch("podman", "localhost/sim:1", List.of(), "none");
        List<String> probe = ContainerRuntime.of(RuntimeKind.PODMAN).probe(l, Shim.check("dmtcp"));
        assertEquals(List.of("podman", "run", "--pull=never", "--rm"), probe.subList(0, 4));
        assertTrue(!probe.contains("--name"), probe.toString());
    }

    @Test
    void valuesOfTheStepEnvironmentNeverAppearOnPodmanOrShifterLines() {
        for (String rt : List.of("podman", "podman-hpc", "shifter", "apptainer")) {
            String image = rt.equals("apptainer") ? "/x/sim.sif" : "localhost/sim:1";
            if (rt.equals("shifter") || rt.equals("podman-hpc")) image = "sim:1";
            List<String> cmd = signalApp(seedLaunch(rt, image, List.of(), "signal"));
            assertTrue(cmd.stream().noneMatch(a -> a.contains("run1.mac")), rt + ": " + cmd);
        }
    }

    static void assertSubsequence(List<String> expected, List<String> actual) {
        int i = 0;
        for (String a : actual) if (i < expected.size() && expected.get(i).equals(a)) i++;
        if (i < expected.size()) {
            fail("'" + expected.get(i) + "' (seed option " + (i + 1) + " of " + expected.size() + ") missing or out of order in\n  "
                    + String.join(" ", actual) + "\nexpected in order:\n  " + String.join(" ", expected));
        }
    }

    /** The seed's command line for {@code runtime}: continuation lines joined, comments and the trailing '&' dropped. */
    static List<String> seedCommand(String resource, String runtime) throws IOException {
        String text = read("golden/container/" + resource).replace("\\\n", " ");
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith(runtime + " ")) {
                List<String> tokens = new ArrayList<>(Arrays.asList(l.split("\\s+")));
                if (tokens.get(tokens.size() - 1).equals("&")) tokens.remove(tokens.size() - 1);
                return tokens;
            }
        }
        throw new AssertionError("no '" + runtime + "' line in " + resource);
    }

    static String read(String resource) throws IOException {
        try (InputStream in = ContainerRenderingGoldenTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new AssertionError("missing test resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void golden(String name, List<String> argv) throws IOException {
        String actual = String.join("\n", argv) + "\n";
        String resource = "golden/container/" + name + ".argv";
        if (Boolean.getBoolean("crflow.golden.update")) {
            Path src = Path.of("src/test/resources", resource);
            Files.createDirectories(src.getParent());
            Files.writeString(src, actual);
            return;
        }
        assertEquals(read(resource), actual, "golden " + resource + " (one argv element per line; -Dcrflow.golden.update=true rewrites it)");
    }

}
