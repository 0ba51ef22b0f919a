package dev.crflow.cli;

import dev.crflow.dsl.SettingsLoader;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Workflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code crflow show}: the effective values the settings supplied, with the file and line of each. */
class SettingsViewTest {
    @TempDir Path tmp;

    @Test
    void namesEachValueTheSettingsSuppliedWithItsOrigin() throws Exception {
        Path f = tmp.resolve("w.groovy");
        Files.writeString(f, """
                workflow('w') {
                  step('sim') { command 'true'; time '1h'; checkpoint { interval '10m' } }
                  step('own') { command 'true'; time '1h'; partition 'gpu'; checkpoint { engine 'criu'; signal 'USR1', lead: '2m' } }
                }
                """);
        SiteSettings s = SettingsLoader.parse("settings {\n  engine 'dmtcp'\n  grace '2m'\n  partition 'batch'\n  modules 'dmtcp/3.0'\n}\n",
                "/etc/crflow/settings.groovy").settings().orElseThrow();
        Workflow effective = WorkflowLoader.load(f, Optional.empty(), s);
        String shown = SettingsView.render(effective, s, other -> WorkflowLoader.checkAny(f, Optional.empty(), other).workflow());
        assertTrue(shown.contains("  sim              partition batch (/etc/crflow/settings.groovy:4); engine dmtcp (/etc/crflow/settings.groovy:2); "
                + "lead 120s (/etc/crflow/settings.groovy:3); modules dmtcp/3.0 (/etc/crflow/settings.groovy:5)\n"), shown);
        assertTrue(shown.contains("  own              modules dmtcp/3.0 (/etc/crflow/settings.groovy:5)\n"),
                "its own partition, engine and lead (equal to the grace, but its own) are not the settings': " + shown);
        assertTrue(shown.contains("settings (site/user, under the workflow's own values):"), shown);
        assertEquals("", SettingsView.render(effective, SiteSettings.empty(), other -> Optional.empty()));
    }
}
