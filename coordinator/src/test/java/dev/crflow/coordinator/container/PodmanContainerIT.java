package dev.crflow.coordinator.container;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.it.Harness;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real coordinator jar (local mode, as the embedded executor runs it) with a step in a real podman
 * container: the engine inside, the coordinator outside.
 */
class PodmanContainerIT {
    @TempDir Path tmp;
    Harness h;
    Map<String, String> podmanEnv;

    @AfterEach
    void cleanup() throws Exception {
        if (h != null) h.kill();
        if (podmanEnv != null) {
            CommandRunner.system().run(List.of("podman", "rm", "--force", "--ignore", "crflow-count-test-0", "crflow-count-test-1", "crflow-count-test-2"),
                    podmanEnv, Duration.ofSeconds(60));
        }
    }

    private Harness harness(String script, String command, List<String> mounts) throws Exception {
        podmanEnv = Podman.environment(tmp);
        String image = Podman.testImage(podmanEnv);
        Harness harness = new Harness(tmp);
        Files.copy(Podman.resource("container/" + script), harness.workdir.resolve(script));
        harness.command("if [ -e /run/.containerenv ]; then echo inside > where.txt; fi; " + command);
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("image", image);
        container.put("runtime", "PODMAN");
        container.put("mounts", mounts);
        container.put("modules", List.of());
        harness.spec.put("container", container);
        harness.extraEnv.putAll(podmanEnv);
        // the host's DMTCP must never be used for a contained step
        harness.extraEnv.put("DMTCP_HOME", "/nonexistent");
        return harness;
    }

    @Test
    void signalEngineApplicationInPodmanIsPreemptedAndResumedCountingEachNumberOnce() throws Exception {
        h = harness("count_signal.sh", "bash count_signal.sh 40 0.05", List.of());
        Process first = h.start();
        h.waitForLines(5);
        h.signal(first, "USR1");
        assertEquals(75, h.await(first, Duration.ofSeconds(90)), h.log());
        int afterFirst = h.lines();
        assertTrue(afterFirst >= 5 && afterFirst < 40, "interrupted mid-count: " + afterFirst + "\n" + h.log());

        Process second = h.start();
        h.waitForLines(afterFirst + 5);
        h.signal(second, "USR1");
        assertEquals(75, h.await(second, Duration.ofSeconds(90)), h.log());

        assertEquals(0, h.await(h.start(), Duration.ofSeconds(90)), h.log());
        assertEquals(IntStream.rangeClosed(1, 40).boxed().toList(), h.numbers(), "each number exactly once, in order");
        assertEquals("inside", Files.readString(h.workdir.resolve("where.txt")).trim(), "the application ran inside the container");
        Result r = ControlDir.of(h.ctl).readResult().orElseThrow();
        assertEquals(Outcome.COMPLETED, r.outcome());
        assertEquals(2, r.restarts());
        assertTrue(h.events(JournalEvent.CHECKPOINT).stream().allMatch(e -> e.ok().orElse(false)));
        assertTrue(h.log().contains("container: podman run"), h.log());
    }

    @Test
    void anImageWithoutDmtcpIsAnEngineErrorThatSaysWhatToDoNotAFailedApplication() throws Exception {
        h = harness("count_plain.sh", "bash count_plain.sh 60 0.1", List.of());
        h.policy.put("engine", "DMTCP");
        h.policy.put("forward", null);
        h.policy.put("state", List.of());
        assertEquals(99, h.await(h.start(), Duration.ofSeconds(120)), h.log());
        assertEquals(Outcome.ENGINE_ERROR, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
        assertTrue(h.log().contains("lacks dmtcp_launch") && h.log().contains("bind-mounted"), h.log());
        assertEquals(0, h.lines(), "nothing ran");
    }

    @Test
    void dmtcpInsideThePodmanContainerCheckpointsAndRestartsWithTheImagesOwnDmtcp() throws Exception {
        Assumptions.assumeTrue(Podman.dmtcpPresent(),
                "SKIPPED: DMTCP is not installed at /opt/dmtcp (built by hand, never packaged): the DMTCP-in-container IT needs it bind-mounted into the image");
        h = harness("count_plain.sh", "bash count_plain.sh 60 0.1", List.of("/opt/dmtcp:/opt/dmtcp:ro"));
        h.policy.put("engine", "DMTCP");
        h.policy.put("forward", null);
        h.policy.put("state", List.of());
        Process first = h.start();
        h.waitForLines(10);
        h.signal(first, "USR1");
        assertEquals(75, h.await(first, Duration.ofSeconds(120)), h.log());
        int atCheckpoint = h.lines();
        assertTrue(atCheckpoint >= 10 && atCheckpoint < 60, "checkpointed mid-count: " + atCheckpoint + "\n" + h.log());
        List<Generation> gens = ImageStore.open(h.ctl).list();
        assertEquals(1, gens.size(), h.log());
        assertTrue(ImageStore.open(h.ctl).verify(gens.get(0)).ok());

        assertEquals(0, h.await(h.start(), Duration.ofSeconds(120)), h.log());
        List<Integer> numbers = h.numbers();
        assertEquals(IntStream.rangeClosed(1, 60).boxed().toList(), new HashSet<>(numbers).stream().sorted().toList(),
                "every number up to the end, none missing");
        assertEquals(1, numbers.stream().filter(n -> n == 1).count(), "the restart continued from the image, not from scratch");
        assertEquals("inside", Files.readString(h.workdir.resolve("where.txt")).trim());
        List<JournalEvent> starts = h.events(JournalEvent.ATTEMPT_START);
        assertEquals(1, starts.get(1).integer("fromGeneration").orElse(-1));
        assertTrue(starts.get(0).raw().toString().contains("in image"), "engineVersion names the image's DMTCP: " + starts.get(0).raw());
        assertEquals(Outcome.COMPLETED, ControlDir.of(h.ctl).readResult().orElseThrow().outcome());
        assertTrue(h.log().contains("dmtcp-launch") && h.log().contains("dmtcp-restart"), h.log());
    }
}
