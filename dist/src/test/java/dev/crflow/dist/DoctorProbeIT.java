package dev.crflow.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code crflow doctor --probe} from an unpacked release, on the local Slurm: every check passes with DMTCP and the
 * signal engine; and with CRIU asked for while the job's PATH has no criu (the engine missing on the compute node)
 * it fails that check alone, with the install advice, and exits 3.
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

    @Test
    void missingEngineFailsWithAdvice() throws Exception {
        Release.assumeSlurm();
        Release r = Release.install("release-doctor-broken");
        // The test PATH has no criu (it lives in /usr/local/sbin here): remove the link, the job inherits this PATH.
        java.nio.file.Files.deleteIfExists(r.noJavaPath.resolve("criu"));
        Release.Result res = r.crflow(r.prefix, 420, "doctor", "--probe", "--json", "--engine", "criu",
                "--control-root", r.prefix.resolve("ctl").toString());
        Map<String, JsonNode> checks = checks(res.output());
        JsonNode criu = checks.get("engine-criu");
        assertFalse(criu.path("ok").asBoolean(), res.output());
        assertTrue(criu.path("detail").asText().contains("criu not on PATH"), res.output());
        assertTrue(criu.path("advice").asText().contains("install CRIU"), res.output());
        checks.forEach((name, c) -> {
            if (!name.equals("engine-criu")) assertTrue(c.path("ok").asBoolean(), name + ": " + res.output());
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
