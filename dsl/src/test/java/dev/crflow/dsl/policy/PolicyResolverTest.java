package dev.crflow.dsl.policy;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyResolverTest {
    private static final CheckpointPolicy SIGNAL_RULE = new CheckpointPolicy(Engine.SIGNAL, Optional.of(Duration.ofMinutes(10)), "USR1",
            Duration.ofSeconds(90), Optional.of("INT"), List.of("a.state"), 3, 7, Optional.of(Duration.ofHours(72)));

    private static Checked<CheckpointPolicy> overlay(CheckpointPolicy base, Map<PolicyKey, Object> values) {
        return PolicyResolver.overlay(base, values, k -> "ext " + k.dslName());
    }

    @Test
    void keysGivenWinKeyByKeyTheRestComesFromTheBase() {
        CheckpointPolicy p = overlay(SIGNAL_RULE, Map.of(PolicyKey.LEAD, "30s", PolicyKey.SIGNAL, "SIGUSR2")).value().orElseThrow();
        assertEquals(new CheckpointPolicy(Engine.SIGNAL, Optional.of(Duration.ofMinutes(10)), "USR2", Duration.ofSeconds(30),
                Optional.of("INT"), List.of("a.state"), 3, 7, Optional.of(Duration.ofHours(72))), p);
        assertEquals(SIGNAL_RULE, overlay(SIGNAL_RULE, Map.of()).value().orElseThrow(), "a resolved policy survives the round trip");
    }

    @Test
    void intervalAutoIsAValueOfIntervalInEveryFrontEnd() {
        CheckpointPolicy auto = overlay(SIGNAL_RULE, Map.of(PolicyKey.INTERVAL, "auto")).value().orElseThrow();
        assertTrue(auto.autoInterval());
        assertEquals(Optional.empty(), auto.interval());
        assertTrue(overlay(SIGNAL_RULE, Map.of(PolicyKey.INTERVAL, " AUTO ")).value().orElseThrow().autoInterval());
        // a later fixed interval replaces it, and the other way round
        CheckpointPolicy fixed = overlay(auto, Map.of(PolicyKey.INTERVAL, "2m")).value().orElseThrow();
        assertFalse(fixed.autoInterval());
        assertEquals(Optional.of(Duration.ofMinutes(2)), fixed.interval());
        assertEquals(auto, overlay(auto, Map.of()).value().orElseThrow(), "'auto' survives the round trip");
        // the site's prior stays with the base
        CheckpointPolicy withPrior = auto.withInterruptionRate(Optional.of(0.1));
        assertEquals(Optional.of(0.1), overlay(withPrior, Map.of(PolicyKey.LEAD, "30s")).value().orElseThrow().interruptionRate());
        // engine 'none' drops it as it drops a fixed interval; a word other than 'auto' is no duration
        assertFalse(overlay(auto, Map.of(PolicyKey.ENGINE, "none")).value().orElseThrow().autoInterval());
        Checked<CheckpointPolicy> bad = overlay(SIGNAL_RULE, Map.of(PolicyKey.INTERVAL, "automatic"));
        assertFalse(bad.isOk());
        assertTrue(bad.error().text().startsWith("ext interval 'automatic'"), bad.error().text());
        // without an engine, 'auto' is an error like any interval
        assertFalse(overlay(CheckpointPolicy.none(), Map.of(PolicyKey.INTERVAL, "auto")).isOk());
    }

    @Test
    void compressionAndDedupDefaultToOnForProcessImagesOnlyAndCanBeSwitchedOff() {
        CheckpointPolicy dmtcp = overlay(CheckpointPolicy.none(), Map.of(PolicyKey.ENGINE, "dmtcp")).value().orElseThrow();
        assertTrue(dmtcp.compress() && dmtcp.dedup());
        assertFalse(SIGNAL_RULE.compress() || SIGNAL_RULE.dedup(), "an application's own state files: off");
        CheckpointPolicy off = overlay(dmtcp, Map.of(PolicyKey.DEDUP, "false")).value().orElseThrow();
        assertTrue(off.compress());
        assertFalse(off.dedup());
        // a default is not a choice: switching engine gives the new engine's default, a choice carries over
        assertFalse(overlay(dmtcp, Map.of(PolicyKey.ENGINE, "signal")).value().orElseThrow().compress());
        assertFalse(overlay(off, Map.of(PolicyKey.ENGINE, "criu")).value().orElseThrow().dedup());
        assertTrue(overlay(SIGNAL_RULE, Map.of(PolicyKey.COMPRESS, true)).value().orElseThrow().compress());
        Checked<CheckpointPolicy> none = overlay(CheckpointPolicy.none(), Map.of(PolicyKey.COMPRESS, "true"));
        assertEquals(List.of("ext compress has no effect without a checkpoint engine: there are no images"),
                none.diagnostics().stream().map(PolicyDiagnostic::text).toList());
        assertFalse(none.value().orElseThrow().compress());
    }

    @Test
    void anotherEngineDropsTheOldEnginesSettings() {
        CheckpointPolicy dmtcp = overlay(SIGNAL_RULE, Map.of(PolicyKey.ENGINE, "dmtcp")).value().orElseThrow();
        assertEquals(Optional.empty(), dmtcp.forward());
        assertEquals(List.of(), dmtcp.state());
        assertEquals(Optional.of(Duration.ofMinutes(10)), dmtcp.interval());
        CheckpointPolicy none = overlay(SIGNAL_RULE, Map.of(PolicyKey.ENGINE, "none")).value().orElseThrow();
        assertEquals(Optional.empty(), none.interval());
        assertEquals(Optional.of("USR1"), overlay(CheckpointPolicy.none(), Map.of(PolicyKey.ENGINE, "signal")).value().orElseThrow().forward(),
                "engine signal forwards the warning signal by default");
    }

    @Test
    void diagnosticsAreDataWithTheKeyAsTheFrontEndSpellsIt() {
        Checked<CheckpointPolicy> c = overlay(CheckpointPolicy.none(), Map.of(PolicyKey.INTERVAL, "5m"));
        assertFalse(c.isOk());
        assertEquals("ext interval has no effect without a checkpoint engine: add engine 'dmtcp', 'criu' or 'signal'", c.error().text());
        Checked<CheckpointPolicy> w = overlay(CheckpointPolicy.none(), Map.of(PolicyKey.ENGINE, "criu", PolicyKey.FORWARD, "INT"));
        assertTrue(w.isOk());
        assertEquals(List.of("ext forward is only used by engine 'signal'; ignored with engine 'criu'"),
                w.diagnostics().stream().map(PolicyDiagnostic::text).toList());
        assertEquals("ext lead 60 has no unit: write '60s' (seconds) or '60m' (minutes)",
                overlay(CheckpointPolicy.none(), Map.of(PolicyKey.LEAD, 60)).error().text());
    }

    @Test
    void layersMergeInOrderWithTheirLines() {
        Map<PolicyKey, PolicyResolver.Setting> defaults = Map.of(PolicyKey.INTERVAL, new PolicyResolver.Setting(Duration.ofMinutes(5), 3));
        Map<PolicyKey, PolicyResolver.Setting> step = Map.of(PolicyKey.ENGINE, new PolicyResolver.Setting(Engine.DMTCP, 9));
        PolicyResolver.Resolution r = PolicyResolver.merge(List.of(defaults, step), PolicyKey::dslName);
        assertEquals(List.of(), r.diagnostics(), "the interval of the defaults is fine once the step picks an engine");
        assertEquals(Optional.of(Duration.ofMinutes(5)), r.policy().interval());
        assertEquals(3, r.given().get(PolicyKey.INTERVAL).line());
        PolicyResolver.Resolution none = PolicyResolver.merge(List.of(defaults), PolicyKey::dslName);
        assertEquals(3, none.diagnostics().get(0).line());
        assertTrue(none.diagnostics().get(0).isError());
    }

    @Test
    void unknownKeysGetTheClosestOrTheList() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("intervall", "5m");
        assertEquals("unknown ext.checkpoint key 'intervall'; did you mean 'interval'?",
                PolicyResolver.keys(in, PolicyKey::dslName, List.of("runtime"), "ext.checkpoint key").error().text());
        assertEquals(Map.of(PolicyKey.KEEP, 2), PolicyResolver.keys(Map.of("checkpoint_keep", 2), PolicyKey::resourceName, List.of(), "resource")
                .value().orElseThrow());
        assertTrue(PolicyResolver.keys(Map.of("runtime", "podman"), PolicyKey::dslName, List.of("runtime"), "key").value().orElseThrow().isEmpty());
    }
}
