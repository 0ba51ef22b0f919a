package dev.crflow.cli.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe's result files turned into checks. The broken sites a shared test cluster cannot be reconfigured into
 * (requeue refused, no --signal delivery, StartTime updates refused) are these fakes; the passing and
 * engine-missing cases also run for real in dist's DoctorProbeIT.
 */
class ProbeResultsTest {
    @TempDir Path root;

    static final ProbeScript.Request REQ = new ProbeScript.Request(Optional.empty(), Optional.empty(), Optional.empty(),
            Duration.ofSeconds(50), List.of(ProbeScript.Engine.DMTCP), List.of());

    private Path dir(Map<String, String> files) throws IOException {
        Path d = Files.createDirectories(root.resolve("doctor-x"));
        for (Map.Entry<String, String> e : files.entrySet()) Files.writeString(d.resolve(e.getKey()), e.getValue() + "\n");
        return d;
    }

    private static Map<String, DoctorCheck> byName(List<DoctorCheck> checks) {
        return checks.stream().collect(Collectors.toMap(DoctorCheck::name, c -> c));
    }

    private static Map<String, String> healthy() {
        return new java.util.HashMap<>(Map.ofEntries(Map.entry("node", "node1"), Map.entry("token.seen", "tok"),
                Map.entry("runtime.rc", "0"), Map.entry("runtime.out", "self-test ok"), Map.entry("signal", "12 1"),
                Map.entry("requeue.rc", "0"), Map.entry("requeued", "1"), Map.entry("release.rc", "0"),
                Map.entry("engine-dmtcp.rc", "0"), Map.entry("engine-dmtcp.out", "DMTCP 5.0: ok"), Map.entry("done", "done")));
    }

    @Test
    void everythingPresentPasses() throws IOException {
        List<DoctorCheck> checks = ProbeResults.read(dir(healthy()), "tok", REQ, "finished");
        assertTrue(checks.stream().allMatch(DoctorCheck::ok), checks.toString());
        assertEquals(List.of("probe-job", "control-shared", "runtime-on-node", "signal", "requeue", "hold-release", "engine-dmtcp"),
                checks.stream().map(DoctorCheck::name).toList());
        assertTrue(byName(checks).get("signal").detail().contains("48 s before the limit"), checks.toString());
    }

    @Test
    void requeueRefusedSaysAskTheAdministrators() throws IOException {
        Map<String, String> f = healthy();
        f.put("requeue.rc", "1");
        f.put("requeue.out", "scontrol: error: Requested operation is presently disabled for job 42");
        f.remove("requeued");
        f.remove("release.rc");
        Map<String, DoctorCheck> c = byName(ProbeResults.read(dir(f), "tok", REQ, "finished"));
        assertFalse(c.get("requeue").ok());
        assertTrue(c.get("requeue").detail().contains("presently disabled"), c.toString());
        assertTrue(c.get("requeue").advice().contains("allow 'scontrol requeue'"), c.toString());
        assertFalse(c.get("hold-release").ok());
        assertTrue(c.get("signal").ok());
    }

    @Test
    void noSignalSaysTheSiteDoesNotDeliverIt() throws IOException {
        Map<String, String> f = healthy();
        f.put("signal", "60 0");
        DoctorCheck s = byName(ProbeResults.read(dir(f), "tok", REQ, "finished")).get("signal");
        assertFalse(s.ok());
        assertTrue(s.advice().contains("does not deliver --signal=B:"), s.toString());
    }

    @Test
    void sbatchVariablesThatOverrideTheScriptAreNamedInTheAdvice() throws IOException {
        Map<String, String> f = healthy();
        f.put("signal", "50 0");
        f.put("requeue.rc", "1");
        f.put("requeue.out", "scontrol: error: Requested operation is presently disabled for job 42");
        f.remove("requeued");
        f.remove("release.rc");
        Map<String, DoctorCheck> c = byName(ProbeResults.read(dir(f), "tok", REQ, "finished",
                Map.of("SBATCH_SIGNAL", "B:USR1@5", "SBATCH_NO_REQUEUE", "1")));
        assertFalse(c.get("signal").ok());
        assertTrue(c.get("signal").detail().contains("SBATCH_SIGNAL=B:USR1@5 is set here"), c.toString());
        assertTrue(c.get("signal").advice().startsWith("unset SBATCH_SIGNAL"), c.toString());
        assertFalse(c.get("requeue").ok());
        assertTrue(c.get("requeue").advice().startsWith("unset SBATCH_NO_REQUEUE"), c.toString());
        // without them in the environment, the site is to blame
        Map<String, DoctorCheck> site = byName(ProbeResults.read(dir(f), "tok", REQ, "finished", Map.of()));
        assertTrue(site.get("signal").advice().contains("does not deliver --signal=B:"), site.toString());
        assertTrue(site.get("requeue").advice().contains("allow 'scontrol requeue'"), site.toString());
    }

    @Test
    void aSignalFarTooLateFails() throws IOException {
        Map<String, String> f = healthy();
        f.put("signal", "50 1");   // 10 s left of the 50 asked for
        assertFalse(byName(ProbeResults.read(dir(f), "tok", REQ, "finished")).get("signal").ok());
    }

    @Test
    void holdReleaseRefusedIsNamed() throws IOException {
        Map<String, String> f = healthy();
        f.put("release.rc", "1");
        f.put("release.out", "Access/permission denied");
        DoctorCheck h = byName(ProbeResults.read(dir(f), "tok", REQ, "finished")).get("hold-release");
        assertFalse(h.ok());
        assertTrue(h.advice().contains("120 s"), h.toString());
    }

    @Test
    void anUnsharedControlRootAndAMissingEngineAreNamed() throws IOException {
        Map<String, String> f = healthy();
        f.remove("token.seen");
        f.put("engine-dmtcp.rc", "1");
        f.put("engine-dmtcp.out", "dmtcp_launch not found ($DMTCP_HOME/bin, PATH, /opt/dmtcp/bin)");
        Map<String, DoctorCheck> c = byName(ProbeResults.read(dir(f), "tok", REQ, "finished"));
        assertFalse(c.get("control-shared").ok());
        assertTrue(c.get("control-shared").advice().contains("shared storage"), c.toString());
        assertFalse(c.get("engine-dmtcp").ok());
        assertTrue(c.get("engine-dmtcp").advice().contains("install DMTCP"), c.toString());
    }

    @Test
    void aJobThatNeverRanFailsEveryNodeCheckNeverPassesThem() throws IOException {
        List<DoctorCheck> checks = ProbeResults.read(dir(Map.of()), "tok", REQ, "did not finish within 5m; cancelled");
        assertTrue(checks.stream().noneMatch(DoctorCheck::ok), checks.toString());
        assertTrue(checks.get(0).detail().contains("did not finish within 5m"), checks.toString());
    }
}
