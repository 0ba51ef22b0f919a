package dev.crflow.cli.settings;

import dev.crflow.cli.CrflowException;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsFilesTest {
    @TempDir Path tmp;

    private Map<String, String> env(String site, String user) throws Exception {
        Path s = tmp.resolve("site.groovy");
        Path u = tmp.resolve("user.groovy");
        Files.writeString(s, site);
        Files.writeString(u, user);
        return Map.of("CRFLOW_SITE_SETTINGS", s.toString(), "CRFLOW_USER_SETTINGS", u.toString(), "HOME", "/home/ann", "USER", "ann");
    }

    @Test
    void theInterruptionRateIsThePriorOfStepsWithAnAutomaticInterval() throws Exception {
        SiteSettings s = SettingsFiles.load(env("settings { interruptionRate 0.2 }", "settings { }"));
        Workflow wf = WorkflowLoader.parse("""
                workflow('w') {
                  step('auto') { command 'true'; checkpoint { engine 'dmtcp'; interval 'auto' } }
                  step('fixed') { command 'true'; checkpoint { engine 'dmtcp'; interval '10m' } }
                }
                """, "w.groovy", tmp, Optional.empty());
        Workflow m = SettingsFiles.apply(wf, s);
        assertEquals(Optional.of(0.2), m.step("auto").orElseThrow().checkpoint().interruptionRate());
        assertEquals(wf.step("fixed").orElseThrow().checkpoint(), m.step("fixed").orElseThrow().checkpoint(), "a fixed interval is untouched");
    }

    @Test
    void siteUnderUserUnderTheWorkflow() throws Exception {
        SiteSettings s = SettingsFiles.load(env(
                "settings { partition 'batch'; account 'site-acct'; qos 'low'; modules 'dmtcp/3.0'; controlRoot '/scratch/$USER/crflow' }",
                "settings { qos 'high' }"));
        Workflow wf = WorkflowLoader.parse("""
                workflow('w') {
                  step('a') { command 'true'; partition 'gpu'; modules 'python/3.11' }
                  step('b') { command 'true' }
                }
                """, "w.groovy", tmp, Optional.empty());
        Workflow m = SettingsFiles.apply(wf, s);
        Step a = m.step("a").orElseThrow();
        Step b = m.step("b").orElseThrow();
        assertEquals(Optional.of("gpu"), a.resources().partition(), "the workflow's own value wins");
        assertEquals(Optional.of("batch"), b.resources().partition());
        assertEquals(Optional.of("site-acct"), b.resources().account());
        assertEquals(Optional.of("high"), b.resources().qos(), "user over site");
        assertEquals(List.of("dmtcp/3.0", "python/3.11"), a.modules());
        assertEquals(Path.of("/scratch/ann/crflow"), SettingsFiles.controlRoot(s, Map.of("USER", "ann")).orElseThrow());
        String shown = SettingsFiles.describe(s);
        assertTrue(shown.contains("qos") && shown.contains("user.groovy:1"), shown);
    }

    @Test
    void anInvalidFileStopsWithLocatedErrors() throws Exception {
        CrflowException e = assertThrows(CrflowException.class, () -> SettingsFiles.load(env("settings {\n  engine 'dmtpc'\n}\n", "settings { }")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("site.groovy:2:"), e.getMessage());
    }

    @Test
    void aNamedFileMustExistDefaultsMayBeAbsent() {
        assertThrows(CrflowException.class, () -> SettingsFiles.load(Map.of("CRFLOW_SITE_SETTINGS", tmp.resolve("nope").toString(), "HOME", tmp.toString())));
        assertTrue(SettingsFiles.load(Map.of("HOME", tmp.toString(), "XDG_CONFIG_HOME", tmp.resolve("xdg").toString())).isEmpty()
                || Files.exists(SettingsFiles.SITE_DEFAULT));
    }
}
