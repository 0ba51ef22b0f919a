package dev.crflow.dsl;

import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.SiteSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsLoaderTest {
    @Test
    void readsEveryKeywordWithItsOrigin() {
        SettingsLoader.Result r = SettingsLoader.parse("""
                settings {
                  partition 'batch'
                  account 'proj1'
                  qos 'normal'
                  engine 'dmtcp'
                  modules 'dmtcp/3.0'
                  controlRoot '/scratch/crflow'
                  grace '2m'
                  interruptionRate 0.05
                }
                """, "/etc/crflow/settings.groovy");
        assertTrue(r.errors().isEmpty(), r.diagnostics().toString());
        SiteSettings s = r.settings().orElseThrow();
        assertEquals(Optional.of("batch"), s.partition());
        assertEquals(Optional.of(Engine.DMTCP), s.engine());
        assertEquals(List.of("dmtcp/3.0"), s.modules());
        assertEquals(Optional.of(Duration.ofMinutes(2)), s.grace());
        assertEquals(Optional.of(0.05), s.interruptionRate());
        assertEquals("/etc/crflow/settings.groovy:2", s.origin().get("partition"));
    }

    @Test
    void badValuesAreLocatedErrors() {
        SettingsLoader.Result r = SettingsLoader.parse("""
                settings {
                  partition 'a b'
                  engine 'dmtpc'
                  controlRoot 'relative/dir'
                  interruptionRate 2
                  partitoin 'x'
                }
                """, "user.groovy");
        assertTrue(r.settings().isEmpty());
        List<String> lines = r.errors().stream().map(Diagnostic::format).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("user.groovy:2:") && l.contains("partition")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("user.groovy:3:") && l.contains("dmtcp")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("user.groovy:4:") && l.contains("absolute")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("user.groovy:5:") && l.contains("interruptionRate")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("user.groovy:6:") && l.contains("partition")), lines.toString());
    }

    @Test
    void userOverSiteModulesAddUp() {
        SiteSettings site = SettingsLoader.parse("settings { partition 'batch'; qos 'low'; modules 'dmtcp/3.0' }", "site").settings().orElseThrow();
        SiteSettings user = SettingsLoader.parse("settings { qos 'high'; modules 'python/3.11' }", "user").settings().orElseThrow();
        SiteSettings m = site.under(user);
        assertEquals(Optional.of("batch"), m.partition());
        assertEquals(Optional.of("high"), m.qos());
        assertEquals(List.of("dmtcp/3.0", "python/3.11"), m.modules());
        assertEquals("user:1", m.origin().get("qos"));
    }

    @Test
    void aFileWithoutSettingsBlockIsAnError() {
        assertTrue(SettingsLoader.parse("// nothing\n", "s").settings().isEmpty());
    }
}
