package dev.crflow.dsl.settings;

import dev.crflow.dsl.LoadResult;
import dev.crflow.dsl.SettingsLoader;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings under a workflow's own values, in the documented order (docs/settings.md). */
class SettingsApplicationTest {
    @TempDir Path tmp;

    static SiteSettings settings(String text) {
        return SettingsLoader.parse(text, "site.groovy").settings().orElseThrow();
    }

    private Workflow load(String wf, SiteSettings s) throws Exception {
        Path f = tmp.resolve("w.groovy");
        Files.writeString(f, wf);
        return WorkflowLoader.load(f, Optional.empty(), s);
    }

    @Test
    void engineForStepsThatDeclareCheckpointsWithoutOneGraceWhereNoLeadIsSet() throws Exception {
        SiteSettings s = settings("settings { engine 'dmtcp'; grace '2m'; partition 'batch'; modules 'dmtcp/3.0' }");
        Workflow w = load("""
                workflow('w') {
                  step('plain') { command 'true'; time '1h' }
                  step('declared') { command 'true'; time '1h'; checkpoint { interval '10m' } }
                  step('own') { command 'true'; time '1h'; partition 'gpu'; checkpoint { engine 'criu'; signal 'USR1', lead: '30s' } }
                  step('none') { command 'true'; time '1h'; checkpoint { engine 'none' } }
                }
                """, s);
        Step plain = w.step("plain").orElseThrow(), declared = w.step("declared").orElseThrow();
        Step own = w.step("own").orElseThrow(), none = w.step("none").orElseThrow();
        assertEquals(Engine.NONE, plain.checkpoint().engine(), "no checkpoint block: no engine forced on the step");
        assertEquals(Duration.ofMinutes(2), plain.checkpoint().lead(), "the grace is every step's lead unless it sets one");
        assertEquals(Engine.DMTCP, declared.checkpoint().engine(), "a block without an engine: the settings' engine");
        assertEquals(Optional.of(Duration.ofMinutes(10)), declared.checkpoint().interval(),
                "an interval that needed an engine is valid with the settings' one");
        assertEquals(Engine.CRIU, own.checkpoint().engine(), "the workflow's own engine wins");
        assertEquals(Duration.ofSeconds(30), own.checkpoint().lead(), "the workflow's own lead wins");
        assertEquals(Engine.NONE, none.checkpoint().engine(), "an explicit engine 'none' is the workflow's word");
        assertEquals(Optional.of("gpu"), own.resources().partition());
        assertEquals(Optional.of("batch"), plain.resources().partition());
        assertEquals(List.of("dmtcp/3.0"), plain.modules());
    }

    @Test
    void withoutSettingsNothingChanges() throws Exception {
        String text = "workflow('w') { step('a') { command 'true'; checkpoint { engine 'signal'; state 'x' } } }\n";
        Path f = tmp.resolve("w.groovy");
        Files.writeString(f, text);
        assertEquals(WorkflowLoader.load(f, Optional.empty()), WorkflowLoader.load(f, Optional.empty(), SiteSettings.empty()));
    }

    @Test
    void aGraceLongerThanAStepsTimeIsTheStepsErrorNamingTheSettings() throws Exception {
        Path f = tmp.resolve("w.groovy");
        Files.writeString(f, "workflow('w') {\n  step('a') { command 'true'; time '1m' }\n}\n");
        LoadResult r = WorkflowLoader.check(f, Optional.empty(), settings("settings { grace '2m' }"));
        assertFalse(r.ok());
        assertTrue(r.errors().get(0).format().contains("grace 2m from the settings"), r.errors().toString());
    }

    @Test
    void policyRulesGetTheSettingsUnderTheirBlocks() throws Exception {
        Path f = tmp.resolve("p.groovy");
        Files.writeString(f, "policy { match('a*') { checkpoint { interval '5m' } } }\n");
        Workflow p = WorkflowLoader.loadPolicy(f, settings("settings { engine 'dmtcp' }"));
        assertEquals(Engine.DMTCP, p.policy().get(0).checkpoint().orElseThrow().engine());
        assertThrows(dev.crflow.dsl.DslException.class, () -> WorkflowLoader.loadPolicy(f), "without an engine anywhere, interval is an error");
    }

    @Test
    void filesLowestFirstAndControlRootsPerFrontEnd() throws Exception {
        Path site = tmp.resolve("site.groovy"), user = tmp.resolve("user.groovy");
        Files.writeString(site, "settings { engine 'dmtcp'; grace '2m'; controlRoot '/scratch/$USER/crflow' }");
        Files.writeString(user, "settings {\n  grace '3m'\n}");
        Map<String, String> env = Map.of("CRFLOW_SITE_SETTINGS", site.toString(), "CRFLOW_USER_SETTINGS", user.toString(), "USER", "ann");
        SiteSettings s = SettingsFiles.load(env);
        assertEquals(Optional.of(Duration.ofMinutes(3)), s.grace(), "the user's over the site's");
        assertEquals(user + ":2", s.origin().get("grace"));
        Path a = SettingsApplication.controlRoot(s, env, "crflow", Path.of("/home/ann/runs/a")).orElseThrow();
        assertTrue(a.startsWith(Path.of("/scratch/ann/crflow/crflow")) && a.getFileName().toString().startsWith("a-"), a.toString());
        assertTrue(!a.equals(SettingsApplication.controlRoot(s, env, "crflow", Path.of("/home/ann/other/a")).orElseThrow()),
                "two work directories of the same name get two roots");
        Files.writeString(user, "settings { engine 'dmtpc' }");
        SettingsException e = assertThrows(SettingsException.class, () -> SettingsFiles.load(env));
        assertTrue(e.getMessage().contains("user.groovy:1:"), e.getMessage());
    }
}
