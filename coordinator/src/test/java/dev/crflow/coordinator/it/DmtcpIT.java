package dev.crflow.coordinator.it;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.engine.DmtcpInstall;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dmtcp engine against a real DMTCP (PATH, DMTCP_HOME or /opt/dmtcp); skipped loudly where there is none. Choose the
 * build with the environment variable DMTCP_HOME or the property {@code -Dcrflow.dmtcp.home=/opt/dmtcp-3.2}; the
 * version that ran is printed.
 */
class DmtcpIT {
    /** The build chosen by property, passed to the coordinator as DMTCP_HOME (which DmtcpInstall.locate reads first). */
    static Map<String, String> chosenEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        String home = System.getProperty("crflow.dmtcp.home", "");
        if (!home.isBlank()) env.put("DMTCP_HOME", home);
        return env;
    }

    static final String COUNT = "i=1; while [ $i -le 60 ]; do echo $i >> out.txt; i=$((i+1)); sleep 0.05; done";
    @TempDir Path tmp;
    Harness h;

    @BeforeAll
    static void needDmtcp() {
        Optional<Path> bin = DmtcpInstall.locate(chosenEnvironment());
        if (bin.isEmpty()) System.err.println("*** DmtcpIT SKIPPED: DMTCP not found (PATH, DMTCP_HOME, /opt/dmtcp/bin) ***");
        assumeTrue(bin.isPresent(), "SKIPPED LOUDLY: DMTCP is not installed (no dmtcp_launch on PATH, in $DMTCP_HOME/bin or"
                + " /opt/dmtcp/bin); build it from github.com/dmtcp/dmtcp to run the dmtcp engine tests");
        // which release ran: the engine's behaviour differs between DMTCP 3.x, 4.x and the development head
        try {
            Process v = new ProcessBuilder(bin.get().resolve("dmtcp_launch").toString(), "--version").redirectErrorStream(true).start();
            String first = new String(v.getInputStream().readAllBytes()).lines().findFirst().orElse("?");
            v.waitFor();
            System.err.println("*** DmtcpIT runs with " + bin.get() + ": " + first + " ***");
        } catch (IOException | InterruptedException e) {
            System.err.println("*** DmtcpIT: cannot ask " + bin.get() + " for its version: " + e + " ***");
        }
    }

    @AfterEach
    void cleanup() { if (h != null) h.kill(); }

    private Harness dmtcp() throws IOException {
        h = new Harness(tmp);
        String home = System.getProperty("crflow.dmtcp.home", "");
        if (!home.isBlank()) h.extraEnv.put("DMTCP_HOME", home);
        h.policy.put("engine", "DMTCP");
        h.policy.put("forward", null);
        h.policy.put("state", List.of());
        h.command(COUNT);
        return h;
    }

    @Test
    void warningSignalCheckpointsWithDmtcpAndTheRestartResumesCountingExactlyOnce() throws Exception {
        dmtcp();
        Process p = h.start();
        h.waitForLines(8);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), h.log());
        int first = h.lines();
        assertTrue(first < 60, "interrupted mid-count");

        assertEquals(0, h.await(h.start(), Duration.ofSeconds(120)), h.log());
        assertEquals(IntStream.rangeClosed(1, 60).boxed().toList(), h.numbers(), "each number exactly once\n" + h.log());

        Generation g = ImageStore.open(h.ctl).list().get(0);
        Manifest m = ImageStore.readManifest(g.path()).orElseThrow();
        assertEquals("dmtcp", m.engine());
        assertFalse(m.engineVersion().equals("unknown"), "DMTCP version detected");
        assertTrue(((List<?>) m.engineData().get("images")).size() >= 1);
        assertTrue(ImageStore.open(h.ctl).verify(g).ok());
        assertEquals(1, h.events(JournalEvent.ATTEMPT_START).get(1).integer("fromGeneration").orElseThrow());
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
        assertTrue(h.events(JournalEvent.ATTEMPT_START).get(0).string("engineVersion").orElse("").matches("\\d.*"));
    }

    /**
     * Regression: a restart used to read the generation through a symbolic link, DMTCP resolved it, and the next
     * checkpoint rewrote the committed generation's images in place (its manifest no longer verified).
     */
    @Test
    void aCheckpointAfterARestartNeverWritesIntoTheGenerationItRestartedFrom() throws Exception {
        dmtcp();
        h.command("i=1; while [ $i -le 200 ]; do echo $i >> out.txt; i=$((i+1)); sleep 0.05; done");
        Process p = h.start();
        h.waitForLines(8);
        h.signal(p, "USR1");
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), h.log());
        Generation first = ImageStore.open(h.ctl).list().get(0);

        Process second = h.start();
        int before = h.lines();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (h.lines() < before + 8 && System.nanoTime() < deadline) Thread.sleep(50);
        h.signal(second, "USR1");
        assertEquals(75, h.await(second, Duration.ofSeconds(120)), h.log());

        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(2, gens.size(), "a second generation was committed\n" + h.log());
        assertTrue(ImageStore.open(h.ctl).verify(first).ok(), "the generation restarted from is untouched\n" + h.log());
        assertTrue(ImageStore.open(h.ctl).verify(gens.get(1)).ok(), h.log());

        assertEquals(0, h.await(h.start(), Duration.ofSeconds(120)), h.log());
        assertEquals(IntStream.rangeClosed(1, 200).boxed().toList(), h.numbers(), "each number exactly once\n" + h.log());
        assertEquals(2, h.events(JournalEvent.ATTEMPT_START).get(2).integer("fromGeneration").orElseThrow());
    }

    @Test
    void periodicDmtcpCheckpointsKeepTheApplicationRunning() throws Exception {
        dmtcp();
        // DMTCP rejects processes created while a checkpoint is in progress (the bash loop forks `sleep` 20 times
        // a second), so the periodic case counts in one python process
        // (and /usr/bin/python3 directly: a pyenv shim execs several processes at start, which is exactly that case)
        h.policy.put("interval", "PT2S");
        h.command((java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3")
                + " count_signal.py 100 0.05");
        assertEquals(0, h.await(h.start(), Duration.ofSeconds(120)), h.log());
        assertEquals(IntStream.rangeClosed(1, 100).boxed().toList(), h.numbers());
        List<JournalEvent> ckpts = h.events(JournalEvent.CHECKPOINT);
        assertTrue(ckpts.size() >= 1 && ckpts.stream().allMatch(e -> e.ok().orElse(false)), ckpts.toString() + h.log());
        assertEquals(1, h.events(JournalEvent.ATTEMPT_START).size());
        assertTrue(ImageStore.open(h.ctl).list().size() <= 2, "keep 2");
    }
    /**
     * Issue 14 item 5: files an application appends to are declared as state; with DMTCP a periodic checkpoint is then a
     * checkpoint-and-kill, the files are copied while nothing runs, and the application is restarted from the image at
     * once. A plain bash counter, SIGKILLed once two generations exist, ends with every number exactly once.
     */
    @Test
    void appendedFilesDeclaredAsStateComeBackAsTheyWereSoASigkilledBashCounterEndsExactlyOnce() throws Exception {
        dmtcp();
        int n = 400;
        h.command("i=1; while [ $i -le " + n + " ]; do echo $i >> out.txt; i=$((i+1)); sleep 0.05; done");
        h.policy.put("state", List.of("out.txt"));
        h.policy.put("interval", "PT1S");
        // DMTCP itself may fail a restarted computation now and then (seen with 4.2: status 99 about 1 run in 10); the
        // coordinator then retries from the newest generation, which is part of what this test proves
        h.spec.put("retry", 5);
        Process p = h.start();
        long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (okCheckpoints() < 2 || !p.isAlive()) {
            assertTrue(System.nanoTime() < end, "two committed periodic checkpoints\n" + h.log());
            if (!p.isAlive()) {
                assertEquals(75, h.await(p, Duration.ofSeconds(10)), "an engine failure is retried\n" + h.log());
                assertTrue(h.lines() < n, "still counting\n" + h.log());
                p = h.start();
            }
            Thread.sleep(20);
        }
        // the application's group moves with every resume: kill the one the coordinator recorded last, until a kill lands
        Harness.waitUntil("a SIGKILL of the application's process group", Duration.ofSeconds(30),
                () -> appGroup().map(pg -> Posix.signalGroup(pg, Signals.number("KILL"))).orElse(false));
        assertEquals(75, h.await(p, Duration.ofSeconds(120)), "retried from the newest generation\n" + h.log());
        assertTrue(h.lines() < n, "killed mid-count\n" + h.log());
        List<Generation> gens = ImageStore.open(h.ctl).list();
        Generation newest = gens.get(gens.size() - 1);
        // in the manifest (on disk it may be packed when the policy compresses or deduplicates)
        assertTrue(ImageStore.readManifest(newest.path()).orElseThrow().files().stream().anyMatch(f -> f.path().equals("state/out.txt")),
                "out.txt is in the generation");
        assertTrue(ImageStore.open(h.ctl).verify(newest).ok(), h.log());
        Manifest m = ImageStore.readManifest(newest.path()).orElseThrow();
        assertEquals(List.of("out.txt"), m.engineData().get("state"));
        List<JournalEvent> ckpts = h.events(JournalEvent.CHECKPOINT);
        System.err.println("*** DmtcpIT state: " + ckpts.stream().filter(e -> e.ok().orElse(false)).count() + " of " + ckpts.size()
                + " periodic checkpoint-and-kill + restart committed before the SIGKILL; newest engine data " + m.engineData() + " ***");
        h.log().lines().filter(l -> l.contains("FAILED") || l.contains("could not restart")).forEach(l -> System.err.println("*** DmtcpIT state log: " + l));

        h.policy.put("interval", null);
        assertEquals(0, h.runToEnd(Duration.ofSeconds(120)), h.log());
        List<JournalEvent> starts = h.events(JournalEvent.ATTEMPT_START);
        int from = starts.get(starts.size() - 1).integer("fromGeneration").orElseThrow();
        assertTrue(from >= newest.number(), "restarted from the newest generation\n" + h.log());
        assertEquals(IntStream.rangeClosed(1, n).boxed().toList(), h.numbers(), "each number exactly once although the counter was killed\n" + h.log());
    }

    private long okCheckpoints() {
        try {
            return h.events(JournalEvent.CHECKPOINT).stream().filter(e -> e.ok().orElse(false)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private Optional<Integer> appGroup() {
        try {
            Map<?, ?> m = SpecReader.mapper().readValue(h.ctl.resolve("app-process.json").toFile(), Map.class);
            return m.get("pgid") instanceof Number v && v.intValue() > 1 ? Optional.of(v.intValue()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
