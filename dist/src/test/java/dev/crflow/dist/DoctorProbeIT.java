package dev.crflow.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code crflow doctor --probe} from an unpacked release, on the local Slurm: every check passes with DMTCP and the
 * signal engine; and on a broken site (no criu on the job's PATH, SBATCH_* variables that undo requeue and the warning
 * signal) it fails exactly those checks, each with its advice, and exits 3.
 */
class DoctorProbeIT {
    @Test
    void probePassesOnTheLocalCluster() throws Exception {
        Release.assumeSlurm();
        Release r = Release.install("release-doctor");
        Release.Result res = r.crflow(r.prefix, 420, "doctor", "--probe", "--json", "--engine", "dmtcp,signal",
                "--control-root", r.prefix.resolve("ctl").toString());
        Map<String, JsonNode> checks = checks(res.output());
        for (String name : new String[] {"slurm-commands", "slurm-version", "partition", "control-root", "runtime", "probe-job",
                "control-shared", "runtime-on-node", "signal", "requeue", "hold-release", "engine-dmtcp", "engine-signal"}) {
            assertTrue(checks.containsKey(name), name + " missing: " + res.output());
            assertTrue(checks.get(name).path("ok").asBoolean(), name + ": " + res.output());
        }
        assertEquals(0, res.exitCode(), res.output());
    }

    /**
     * One probe, three things broken the way a user meets them (one probe, not three: each costs a minute or two of CI):
     * the engine missing on the node, and a site profile whose SBATCH_* variables override crflow's own #SBATCH lines
     * (sbatch ranks the environment above the script): SBATCH_NO_REQUEUE submits the job without requeue, so Slurm
     * really refuses `scontrol requeue` ("presently disabled"); SBATCH_SIGNAL=B:USR2@50 (a site's default for its own
     * tool) replaces crflow's USR1, so USR1 never comes. No shim: real sbatch, slurmctld and slurmd do it. (Measured on
     * Slurm 22.05 here: SBATCH_SIGNAL=USR1@50 without "B:" still reached the batch shell, and B:USR1@5 arrived anywhere
     * from 17 to 29 s before the limit, with Slurm's 30 s check phase: neither breaks it reliably.)
     */
    @Test
    void brokenSiteFailsEachCheckWithItsAdvice() throws Exception {
        Release.assumeSlurm();
        Release r = Release.install("release-doctor-broken");
        // The test PATH has no criu (it lives in /usr/local/sbin here): remove the link, the job inherits this PATH.
        java.nio.file.Files.deleteIfExists(r.noJavaPath.resolve("criu"));
        Release.Result res = r.crflow(r.prefix, Map.of("SBATCH_NO_REQUEUE", "1", "SBATCH_SIGNAL", "B:USR2@50"), 420,
                "doctor", "--probe", "--json", "--engine", "criu", "--control-root", r.prefix.resolve("ctl").toString());
        Map<String, JsonNode> checks = checks(res.output());
        JsonNode criu = checks.get("engine-criu");
        assertFalse(criu.path("ok").asBoolean(), res.output());
        assertTrue(criu.path("detail").asText().contains("criu not on PATH"), res.output());
        assertTrue(criu.path("advice").asText().contains("install CRIU"), res.output());
        JsonNode requeue = checks.get("requeue");
        assertFalse(requeue.path("ok").asBoolean(), res.output());
        assertTrue(requeue.path("detail").asText().contains("scontrol requeue refused"), res.output());
        assertTrue(requeue.path("advice").asText().startsWith("unset SBATCH_NO_REQUEUE"), res.output());
        JsonNode signal = checks.get("signal");
        assertFalse(signal.path("ok").asBoolean(), res.output());
        assertTrue(signal.path("detail").asText().contains("no USR1 reached the batch shell"), res.output());
        assertTrue(signal.path("detail").asText().contains("SBATCH_SIGNAL=B:USR2@50 is set here"), res.output());
        assertTrue(signal.path("advice").asText().startsWith("unset SBATCH_SIGNAL"), res.output());
        assertFalse(checks.get("hold-release").path("ok").asBoolean(), "not tried without a requeue: " + res.output());
        checks.forEach((name, c) -> {
            if (!Set.of("engine-criu", "requeue", "signal", "hold-release").contains(name)) {
                assertTrue(c.path("ok").asBoolean(), name + ": " + res.output());
            }
        });
        assertEquals(3, res.exitCode(), res.output());
    }

    static Map<String, JsonNode> checks(String output) throws Exception {
        JsonNode root = new ObjectMapper().readTree(output.substring(output.indexOf('{')));
        assertEquals(1, root.size(), "only 'checks' at the top: " + output);
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode c : root.path("checks")) {
            assertEquals(4, c.size(), "name, ok, detail, advice: " + c);
            byName.put(c.path("name").asText(), c);
        }
        return byName;
    }
}
