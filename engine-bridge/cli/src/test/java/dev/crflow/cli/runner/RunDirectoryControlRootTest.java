package dev.crflow.cli.runner;

import dev.crflow.cli.report.ControlDirDiscovery;
import dev.crflow.cli.report.ReportLocator;
import dev.crflow.cli.report.StepModel.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings' controlRoot for {@code crflow run}: a new run's control directories live there, found as before. */
class RunDirectoryControlRootTest {
    @TempDir Path tmp;

    @Test
    void aNewRunsStepsLiveUnderTheControlRootAndEveryReaderFindsThem() throws Exception {
        Path workdir = Files.createDirectories(tmp.resolve("home/run1"));
        Path ctlRoot = tmp.resolve("scratch/crflow/crflow/run1-0a1b2c3d");
        RunDirectory dir = new RunDirectory(workdir).create(Optional.of(ctlRoot));
        assertTrue(Files.isSymbolicLink(workdir.resolve(".crflow/steps")));
        assertEquals(ctlRoot.resolve("steps").toRealPath(), dir.stepsDirectory());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ctlRoot.resolve("steps"))));

        dir.step("count").create();
        Files.writeString(dir.step("count").path().resolve("journal.jsonl"), "");
        assertTrue(dir.step("count").path().startsWith(ctlRoot.toRealPath()), "job scripts name the control root, not the link");
        List<Source> found = ControlDirDiscovery.discover(ReportLocator.searchRootForWorkdir(workdir));
        assertEquals(1, found.size());
        assertEquals("count", found.get(0).name(), "the report names the step as before");

        // resuming keeps the run where it is, whatever the settings say now
        RunDirectory again = new RunDirectory(workdir).create(Optional.of(tmp.resolve("elsewhere")));
        assertEquals(dir.step("count").path(), again.step("count").path());
        assertFalse(Files.exists(tmp.resolve("elsewhere")));
    }

    @Test
    void withoutAControlRootNothingChanges() {
        Path workdir = tmp.resolve("w");
        RunDirectory dir = new RunDirectory(workdir).create(Optional.empty());
        assertFalse(Files.isSymbolicLink(workdir.resolve(".crflow/steps")));
        assertEquals(workdir.toAbsolutePath().resolve(".crflow/steps/a"), dir.step("a").path());
    }
}
