package dev.crflow.examples;

import org.junit.jupiter.api.parallel.ResourceLock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (e) (a) with the 'dmtcp' engine and an application that has no checkpointing of its own (a bash loop): DMTCP
 * checkpoints it at the warning signal; it resumes mid-count. The warning is sent on demand
 * ({@code scancel --batch -s USR1}), as Slurm sends it at the lead: the real-walltime case of the CLI is
 * CountWalltimeIT. Needs DMTCP (never packaged here): skips loudly.
 */
// drains a node to force a restore on the other one: two such tests at once could drain both
@ResourceLock("slurm-node-drain")
class DmtcpCountIT {
    static boolean dmtcpPresent() {
        if (Files.isExecutable(Path.of("/opt/dmtcp/bin/dmtcp_launch"))) return true;
        String home = System.getenv("DMTCP_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "dmtcp_launch"))) return true;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "dmtcp_launch"))) return true;
        }
        return false;
    }

    @Test
    void aPlainBashLoopSurvivesItsWalltimeUnderDmtcp() throws Exception {
        Assumptions.assumeTrue(dmtcpPresent(), "SKIPPED: DMTCP is not installed (no dmtcp_launch in /opt/dmtcp/bin, $DMTCP_HOME/bin or PATH);"
                + " build it by hand from github.com/dmtcp/dmtcp into /opt/dmtcp to run this test");
        Crflow.assumeSlurm();
        Crflow c = new Crflow("dmtcp");
        Path f = c.work.resolve("count.groovy");
        String bin = dmtcpBin();
        Files.writeString(f, """
                workflow('count-dmtcp') {
                  step('count') {
                    script '''
                      i=0
                      while [ $i -lt 40 ]; do i=$((i+1)); echo $i; sleep 1; done > count.out
                    '''
                    workdir 'work'
                    env PATH: '%s/usr/local/bin:/usr/bin:/bin'
                    time '00:10:00'
                    checkpoint { engine 'dmtcp'; signal 'USR1', lead: '30s'; maxRestarts 10 }
                  }
                }
                """.formatted(bin));
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        try {
            Crflow.await("the loop counting", Duration.ofMinutes(3), Crflow.unchecked(() -> lines(c) >= 5));
            Crflow.Run.sh("scancel", "--batch", "-s", "USR1", c.jobId());
            Crflow.await("the second attempt", Duration.ofMinutes(3), Crflow.unchecked(() -> c.events("attempt-start").size() >= 2));
            assertTrue(driver.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "driver did not finish: " + c.log("run.log"));
            assertEquals(0, driver.exitValue(), c.log("run.log"));
        } finally {
            driver.destroyForcibly();
        }
        assertTrue(c.events("restore").size() >= 1, "resumed from an image at least once: " + c.journal());
        List<String> lines = Files.readAllLines(c.work.resolve("work/count.out"));
        assertEquals("40", lines.get(lines.size() - 1), "the loop ran to its end");
        // the warning checkpoint ends the application with its image: nothing was written after it, so nothing twice
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 40).mapToObj(Integer::toString).toList(), lines, "1..40 exactly once");
    }

    static long lines(Crflow c) throws Exception {
        Path out = c.work.resolve("work/count.out");
        return Files.exists(out) ? Files.readAllLines(out).size() : 0;
    }
    /** The DMTCP build the coordinator will use (DMTCP_HOME first, as DmtcpInstall.locate), for the step's PATH too. */
    static String dmtcpBin() {
        String home = System.getenv("DMTCP_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "dmtcp_launch"))) return home + "/bin:";
        return Files.isDirectory(Path.of("/opt/dmtcp/bin")) ? "/opt/dmtcp/bin:" : "";
    }

    /**
     * Issue 14 item 4 on real Slurm: the warning signal (on demand: {@code scancel --batch -s USR1}) → DMTCP
     * checkpoint-and-kill → requeue → dmtcp_restart, three times, the second time onto the other node (the first one
     * drained meanwhile); the appended file is declared as state; every number exactly once. Run it per release with
     * DMTCP_HOME=/opt/dmtcp-3.2 (or -4.2); the test prints the version the journal recorded.
     */
    @Test
    void aPlainBashLoopIsCheckpointedRequeuedAndRestartedByDmtcpExactlyOnceAlsoOnTheOtherNode() throws Exception {
        Assumptions.assumeTrue(dmtcpPresent(), "SKIPPED: DMTCP is not installed (no dmtcp_launch in /opt/dmtcp/bin, $DMTCP_HOME/bin or PATH);"
                + " build it by hand from github.com/dmtcp/dmtcp into /opt/dmtcp to run this test");
        Crflow.assumeSlurm();
        Crflow c = new Crflow("dmtcp-nodes");
        Files.writeString(c.work.resolve("count.groovy"), """
                workflow('count-dmtcp-nodes') {
                  step('count') {
                    script '''
                      i=0
                      while [ $i -lt 80 ]; do i=$((i+1)); echo $i >> count.out; sleep 0.5; done
                    '''
                    workdir 'work'
                    env PATH: '%s/usr/local/bin:/usr/bin:/bin'
                    time '00:10:00'
                    checkpoint { engine 'dmtcp'; signal 'USR1', lead: '60s'; maxRestarts 10; state 'count.out' }
                  }
                }
                """.formatted(dmtcpBin()));
        Process driver = c.start("run.log", "run", "count.groovy", "--executor", "slurm", "--poll", "1s");
        String first = c.warnThreeTimesSecondOntoTheOtherNode(driver, "DmtcpCountIT");
        c.assertCountedExactlyOnce(80);
        List<JsonNode> restores = c.events("restore");
        assertEquals(3, restores.size(), c.journal().toString());
        assertTrue(restores.stream().allMatch(r -> r.path("ok").asBoolean()), restores.toString());
        List<JsonNode> starts = c.events("attempt-start");
        for (int a = 1; a <= 3; a++) assertEquals(a, starts.get(a).path("fromGeneration").asInt(), starts.toString());
        assertEquals("dmtcp", starts.get(0).path("engine").asText());
        System.err.println("*** DmtcpCountIT ran DMTCP " + starts.get(0).path("engineVersion").asText() + (!first.isEmpty()
                ? ", restarted on the other node after draining " + first : ", one node only (no restart on another node)") + " ***");
    }
}
