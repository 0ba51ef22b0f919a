package dev.crflow.snakemake;

import dev.crflow.dsl.SettingsLoader;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The site and user settings reach a Snakemake job as they reach a crflow step: under the rule's own values. */
class SiteSettingsTest {
    @TempDir Path tmp;

    private static final SiteSettings SITE = SettingsLoader.parse("settings { engine 'dmtcp'; grace '2m'; partition 'batch'; "
            + "account 'proj'; qos 'low'; modules 'dmtcp/3.0'; controlRoot '/scratch/$USER/crflow' }", "site.groovy").settings().orElseThrow();

    private static JobProperties job(Map<String, Object> resources) {
        return new JobProperties("single", "grow", List.of("grow"), "1", 1, List.of("in.txt"), List.of("out/a.txt"),
                List.of(), Map.of("x", "a"), Map.of(), resources);
    }

    private static Step resolve(JobProperties job, Optional<PolicyRule> rule) {
        return RuleSettings.resolve(job, rule, "grow-a-0123456789", Path.of("/w"),
                cp -> new StepCommand(StepCommand.Kind.COMMAND, "true"), Optional.empty(), SITE);
    }

    @Test
    void engineAndGraceUnderTheRulesResourcesAndThePolicy() throws Exception {
        Step declared = resolve(job(Map.of("checkpoint_interval", "10m")), Optional.empty());
        assertEquals(Engine.DMTCP, declared.checkpoint().engine(), "checkpoint resources without an engine: the settings' engine");
        assertEquals(Duration.ofMinutes(2), declared.checkpoint().lead(), "no lead: the settings' grace");
        Step own = resolve(job(Map.of("checkpoint_engine", "none", "checkpoint_lead", "30s")), Optional.empty());
        assertEquals(Engine.NONE, own.checkpoint().engine(), "the rule's own engine wins");
        assertEquals(Duration.ofSeconds(30), own.checkpoint().lead());
        Step nothing = resolve(job(Map.of()), Optional.empty());
        assertEquals(Engine.NONE, nothing.checkpoint().engine(), "nothing declared: no engine forced on the job");
        assertEquals(Duration.ofMinutes(2), nothing.checkpoint().lead());

        Path policy = tmp.resolve("policy.groovy");
        Files.writeString(policy, "policy { match('grow') { checkpoint { interval '5m' } } }\n");
        List<PolicyRule> rules = WorkflowLoader.loadPolicy(policy, SITE).policy();
        Step byRule = resolve(job(Map.of()), RuleSettings.policyFor(rules, job(Map.of())));
        assertEquals(Engine.DMTCP, byRule.checkpoint().engine(), "a policy rule naming no engine: the settings'");
    }

    @Test
    void resourcesModulesUnderTheRule() {
        Step s = resolve(job(Map.of("slurm_partition", "debug")), Optional.empty());
        assertEquals(Optional.of("debug"), s.resources().partition(), "the rule's own partition wins");
        assertEquals(Optional.of("proj"), s.resources().account());
        assertEquals(Optional.of("low"), s.resources().qos());
        assertEquals(List.of("dmtcp/3.0"), s.modules());
    }

    @Test
    void controlRootFromTheSettingsUnlessNamed() {
        Path wd = Path.of("/home/ann/smk/proj");
        BridgeRoot r = SubmitCommand.bridgeRoot(null, wd, () -> SITE, Map.of("USER", "ann"));
        assertTrue(r.path().startsWith(Path.of("/scratch/ann/crflow/snakemake")), r.path().toString());
        assertTrue(r.path().getFileName().toString().startsWith("proj-"), r.path().toString());
        assertEquals(r.path(), SubmitCommand.bridgeRoot(null, wd, () -> SITE, Map.of("USER", "ann")).path(), "status finds what submit chose");
        assertEquals(Path.of("/x/root"), SubmitCommand.bridgeRoot(null, wd, () -> SITE, Map.of("CRFLOW_SNAKEMAKE_ROOT", "/x/root")).path());
        assertEquals(Path.of("/y"), SubmitCommand.bridgeRoot(Path.of("/y"), wd, () -> SITE, Map.of()).path());
        assertEquals(wd.resolve(".crflow/snakemake"), SubmitCommand.bridgeRoot(null, wd, SiteSettings::empty, Map.of()).path());
    }
}
