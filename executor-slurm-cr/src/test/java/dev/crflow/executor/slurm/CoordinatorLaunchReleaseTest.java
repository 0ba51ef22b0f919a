package dev.crflow.executor.slurm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A release's own runtime and lib jar are what jobs run; a checkout keeps coordinator/target. */
class CoordinatorLaunchReleaseTest {
    @TempDir Path home;

    @Test
    void releaseLayoutUsesItsRuntimeAndLibJar() throws Exception {
        Path java = Files.createDirectories(home.resolve("runtime/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        java.toFile().setExecutable(true);
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/crflow-coordinator.jar"), "");
        Properties p = new Properties();
        p.setProperty("crflow.home", home.toString());
        p.setProperty("java.home", "/usr/lib/jvm/other");
        CoordinatorLaunch l = CoordinatorLaunch.fromEnvironment(Map.of(), p);
        assertEquals(java, l.java());
        assertEquals(home.resolve("lib/crflow-coordinator.jar"), l.jar());
    }

    @Test
    void checkoutLayoutKeepsTargetJarAndExplicitJava() {
        Properties p = new Properties();
        p.setProperty("crflow.home", home.toString());
        p.setProperty("crflow.java", "/usr/bin/java");
        CoordinatorLaunch l = CoordinatorLaunch.fromEnvironment(Map.of(), p);
        assertEquals(Path.of("/usr/bin/java"), l.java());
        assertEquals(home.resolve("coordinator/target/crflow-coordinator.jar"), l.jar());
    }
}
