package dev.crflow.snakemake;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class RuleSettingsTest {
    private static JobProperties job(String rule, Map<String, Object> resources) {
        return new JobProperties("single", rule, List.of(rule), "1", 2, List.of("in.txt"), List.of("out/a.txt"),
                List.of("logs/a.log"), Map.of("x", "a"), Map.of(), resources);
    }

    private static PolicyRule rule(String glob, CheckpointPolicy cp) {
        return new PolicyRule(glob, Optional.of(cp), Optional.empty(), Optional.of(2), new SourceLocation("/p/policy.groovy", 3));
    }

    private static final CheckpointPolicy SIGNAL_POLICY = new CheckpointPolicy(Engine.SIGNAL, Optional.of(Duration.ofMinutes(10)),
            "USR1", Duration.ofSeconds(60), Optional.of("INT"), List.of("count.state"), 2, 50, Optional.empty());

    private static Step resolve(JobProperties job, Optional<PolicyRule> rule) {
        return RuleSettings.resolve(job, rule, "grow-a-0123456789", Path.of("/w"),
                cp -> new StepCommand(StepCommand.Kind.COMMAND, "true"), Optional.empty());
    }

    @Test
    void resourcesBecomeSlurmResources() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("runtime", 90L);
        r.put("mem_mb", 2048L);
        r.put("slurm_partition", "debug");
        r.put("slurm_account", "m1234");
        r.put("nodes", 1L);
        Step s = resolve(job("grow", r), Optional.empty());
        assertEquals(Optional.of(Duration.ofMinutes(90)), s.resources().time());
        assertEquals(Optional.of(2048L), s.resources().memMb());
        assertEquals(2, s.resources().cpusPerTask(), "threads when cpus_per_task is not set");
        assertEquals(Optional.of("debug"), s.resources().partition());
        assertEquals(Optional.of("m1234"), s.resources().account());
        assertEquals(Engine.NONE, s.checkpoint().engine(), "no policy, no checkpoint resources");
        assertEquals("/w", s.workdir());
        assertEquals(0, s.retry(), "Snakemake's own --restart-times handles application failures");
    }

    @Test
    void cpusPerTaskWinsOverThreads() {
        assertEquals(8, resolve(job("grow", Map.of("cpus_per_task", 8L)), Optional.empty()).resources().cpusPerTask());
    }

    @Test
    void firstMatchingPolicyRuleAppliesAndDeclaredOutputsJoinTheState() {
        List<PolicyRule> policy = List.of(rule("sim*", SIGNAL_POLICY), rule("*", CheckpointPolicy.none()));
        JobProperties j = job("simulate", Map.of("runtime", 60L));
        Optional<PolicyRule> r = RuleSettings.policyFor(policy, j);
        assertEquals("sim*", r.orElseThrow().glob());
        Step s = resolve(j, r);
        assertEquals(Engine.SIGNAL, s.checkpoint().engine());
        assertEquals(Optional.of("INT"), s.checkpoint().forward());
        assertEquals(List.of("count.state", "out/a.txt", "logs/a.log"), s.checkpoint().state());
        assertEquals(2, s.retry());
        assertEquals("/p/policy.groovy:3", s.declaredAt().toString());
        assertEquals("*", RuleSettings.policyFor(policy, job("other", Map.of())).orElseThrow().glob());
    }

    @Test
    void groupsMatchByGroupIdThenByTheirRules() {
        List<PolicyRule> policy = List.of(rule("sim*", SIGNAL_POLICY));
        JobProperties group = new JobProperties("group", "g1", List.of("prepare", "simulate"), "uuid", 1, List.of(),
                List.of("res.txt"), List.of(), Map.of(), Map.of(), Map.of());
        assertEquals("sim*", RuleSettings.policyFor(policy, group).orElseThrow().glob());
        JobProperties none = new JobProperties("group", "g1", List.of("prepare"), "uuid", 1, List.of(), List.of(),
                List.of(), Map.of(), Map.of(), Map.of());
        assertTrue(RuleSettings.policyFor(policy, none).isEmpty());
    }

    @Test
    void checkpointIntervalAutoIsAResourceValueAndTheDeclaredOutputsStayState() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("checkpoint_interval", "auto");
        r.put("checkpoint_on_cancel", "stop");
        CheckpointPolicy cp = resolve(job("grow", r), Optional.of(rule("*", SIGNAL_POLICY))).checkpoint();
        assertTrue(cp.autoInterval());
        assertEquals(Optional.empty(), cp.interval());
        assertEquals(dev.crflow.dsl.model.OnCancel.STOP, cp.onCancel(), "kept with the declared outputs added to the state");
        assertTrue(cp.state().contains("out/a.txt"), cp.state().toString());
    }

    @Test
    void checkpointResourcesOverrideThePolicy() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("runtime", 1L);
        r.put("checkpoint_engine", "signal");
        r.put("checkpoint_interval", "30s");
        r.put("checkpoint_signal", "SIGUSR2");
        r.put("checkpoint_lead", "20s");
        r.put("checkpoint_state", "a.state, b.state");
        r.put("checkpoint_keep", 3L);
        r.put("checkpoint_max_restarts", 9L);
        r.put("checkpoint_total_time", "30m");
        Step s = resolve(job("grow", r), Optional.of(rule("*", SIGNAL_POLICY)));
        CheckpointPolicy cp = s.checkpoint();
        assertEquals(Engine.SIGNAL, cp.engine());
        assertEquals(Optional.of(Duration.ofSeconds(30)), cp.interval());
        assertEquals("USR2", cp.signal());
        assertEquals(Duration.ofSeconds(20), cp.lead());
        assertEquals(List.of("a.state", "b.state", "out/a.txt", "logs/a.log"), cp.state());
        assertEquals(3, cp.keep());
        assertEquals(9, cp.maxRestarts());
        assertEquals(Optional.of(Duration.ofMinutes(30)), cp.totalTime());
        assertEquals(Optional.of("INT"), cp.forward(), "forward stays the policy's");
    }

    @Test
    void signalEngineWithoutForwardForwardsTheWarningSignal() {
        Step s = resolve(job("grow", Map.of("checkpoint_engine", "signal", "checkpoint_signal", "USR2")), Optional.empty());
        assertEquals(Optional.of("USR2"), s.checkpoint().forward());
    }

    @Test
    void mistakesSayWhatToDo() {
        String lead = assertThrows(JobscriptException.class, () -> resolve(job("grow",
                Map.of("runtime", 1L, "checkpoint_engine", "signal", "checkpoint_lead", "60s")), Optional.empty())).getMessage();
        assertTrue(lead.contains("checkpoint_lead") && lead.contains("shorter"), lead);
        assertTrue(assertThrows(JobscriptException.class, () -> resolve(job("grow", Map.of("checkpoint_engine", "dmtc")), Optional.empty()))
                .getMessage().contains("dmtcp, criu, signal or none"));
        assertTrue(assertThrows(JobscriptException.class, () -> resolve(job("grow", Map.of("checkpoint_signal", "KILL")), Optional.empty()))
                .getMessage().contains("cannot be caught"));
        assertTrue(assertThrows(JobscriptException.class, () -> resolve(job("grow", Map.of("runtime", "soon")), Optional.empty()))
                .getMessage().contains("runtime"));
        assertThrows(JobscriptException.class, () -> resolve(job("grow", Map.of("mem_mb", -1L)), Optional.empty()));
    }

    @Test
    void keysAreStableReadableAndChangeWithTheWork() {
        JobProperties a = job("grow", Map.of("runtime", 1L));
        JobProperties b = job("grow", Map.of("runtime", 2L));   // attempt-dependent resources do not change the key
        assertEquals(BridgeRoot.key(a), BridgeRoot.key(b));
        assertTrue(BridgeRoot.key(a).matches("grow-a-[0-9a-f]{10}"), BridgeRoot.key(a));
        JobProperties other = new JobProperties("single", "grow", List.of("grow"), "9", 2, List.of("in2.txt"), List.of("out/a.txt"),
                List.of("logs/a.log"), Map.of("x", "a"), Map.of(), Map.of());
        assertNotEquals(BridgeRoot.key(a), BridgeRoot.key(other), "different input, different work");
        JobProperties odd = new JobProperties("single", "grow", List.of("grow"), "1", 1, List.of(), List.of("o"), List.of(),
                Map.of("x", "a b/../c;$(rm)"), Map.of(), Map.of());
        assertTrue(BridgeRoot.key(odd).matches("[A-Za-z0-9._-]+"), BridgeRoot.key(odd));
    }

    /**
     * The one bare-number rule (docs/dsl.md): before it, checkpoint_lead=20 meant seconds and checkpoint_interval=20
     * minutes here, and interval: 20 seconds in Nextflow. runtime stays Snakemake's own unit, minutes.
     */
    @Test
    void bareNumbersForCheckpointDurationsAreRefused() {
        for (String key : List.of("checkpoint_lead", "checkpoint_interval", "checkpoint_total_time")) {
            String m = assertThrows(JobscriptException.class, () -> resolve(job("grow",
                    Map.of("checkpoint_engine", "dmtcp", key, 20L)), Optional.empty())).getMessage();
            assertEquals("resource " + key + " 20 has no unit: write '20s' (seconds) or '20m' (minutes)", m);
        }
        assertEquals(Optional.of(Duration.ofMinutes(90)), resolve(job("grow", Map.of("runtime", 90L)), Optional.empty()).resources().time());
        assertEquals(Optional.of(Duration.ofMinutes(90)), resolve(job("grow", Map.of("runtime", "1h30m")), Optional.empty()).resources().time());
    }

    @Test
    void misspelledCheckpointResourcesAreRefusedWithASuggestion() {
        String m = assertThrows(JobscriptException.class, () -> resolve(job("grow",
                Map.of("checkpoint_intervall", "5m")), Optional.empty())).getMessage();
        assertTrue(m.startsWith("unknown resource 'checkpoint_intervall'; did you mean 'checkpoint_interval'?"), m);
        assertTrue(assertThrows(JobscriptException.class, () -> resolve(job("grow", Map.of("checkpoint_signal", "PWR")), Optional.empty()))
                .getMessage().contains("cannot be the warning signal"));
    }

    @Test
    void checkpointFromScratchIsAResourceAndTheDeclaredOutputsCountAsItsState() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        CheckpointPolicy cp;
        try {
            System.setErr(new java.io.PrintStream(warnings, true));
            cp = resolve(job("grow", Map.of("checkpoint_engine", "signal", "checkpoint_from_scratch", "allow")), Optional.empty()).checkpoint();
        } finally {
            System.setErr(err);
        }
        assertEquals(dev.crflow.dsl.model.FromScratch.ALLOW, cp.fromScratch());
        assertEquals(List.of("out/a.txt", "logs/a.log"), cp.state());
        assertEquals("", warnings.toString(), "the declared outputs are its state: no warning about undeclared outputs");
        assertEquals(dev.crflow.dsl.model.FromScratch.REFUSE,
                resolve(job("grow", Map.of()), Optional.of(rule("*", SIGNAL_POLICY))).checkpoint().fromScratch());
        String bad = assertThrows(JobscriptException.class, () -> resolve(job("grow",
                Map.of("checkpoint_engine", "signal", "checkpoint_from_scratch", "alow")), Optional.empty())).getMessage();
        assertTrue(bad.contains("unknown fromScratch 'alow'") && bad.contains("allow"), bad);
    }
}
