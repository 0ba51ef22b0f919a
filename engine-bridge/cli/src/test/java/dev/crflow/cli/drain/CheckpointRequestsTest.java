package dev.crflow.cli.drain;

import dev.crflow.coordinator.control.ControlDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointRequestsTest {
    @TempDir Path tmp;

    private Path ctl(String name) throws Exception {
        Path ctl = Files.createDirectories(tmp.resolve(name));
        Files.createDirectories(ctl.resolve(ControlDir.REQUESTS));
        return ctl;
    }

    /** Plays the coordinator: answers every request file in {@code ctl} with a checkpoint event carrying its id. */
    private static void answerAll(Path ctl, boolean ok) throws Exception {
        try (Stream<Path> requests = Files.list(ctl.resolve(ControlDir.REQUESTS))) {
            for (Path r : requests.toList()) {
                String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(r)).path("id").asText();
                String line = "{\"event\":\"checkpoint\",\"time\":\"2026-11-27T10:00:00Z\",\"attempt\":1,\"generation\":" + (ok ? "3" : "null")
                        + ",\"trigger\":\"manual\",\"durationMs\":12,\"bytes\":" + (ok ? "2048" : "0") + ",\"ok\":" + ok
                        + ",\"error\":" + (ok ? "null" : "\"disk full\"") + ",\"requestId\":\"" + id + "\"}\n";
                Files.writeString(ctl.resolve(ControlDir.JOURNAL), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }

    @Test
    void everyTargetReportsWhatItDidAndOneThatDoesNotAnswerSaysSo() throws Exception {
        Path a = ctl("a"), b = ctl("b"), c = ctl("c");
        List<CheckpointRequests.Target> targets = List.of(new CheckpointRequests.Target("a", a, Optional.of("11")),
                new CheckpointRequests.Target("b", b, Optional.of("12")), new CheckpointRequests.Target("c", c, Optional.empty()));
        Thread coordinators = new Thread(() -> {
            try {
                while (Files.notExists(a.resolve("requests/stop")) || Files.notExists(b.resolve("requests/stop"))) Thread.onSpinWait();
                answerAll(a, true);
                answerAll(b, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        coordinators.start();
        List<CheckpointRequests.Outcome> out = new CheckpointRequests(Clock.systemUTC(), Duration.ofMillis(20))
                .run(targets, true, Duration.ofSeconds(3));
        coordinators.join();
        assertEquals(List.of(CheckpointRequests.Status.COMMITTED, CheckpointRequests.Status.FAILED, CheckpointRequests.Status.NO_ANSWER),
                out.stream().map(CheckpointRequests.Outcome::status).toList());
        assertEquals("a: generation 3 committed (2048 bytes in 12 ms); stopped, resumable", out.get(0).line(true));
        assertEquals("b: checkpoint FAILED: disk full (the previous generation is kept; the step was not stopped)", out.get(1).line(true));
        assertTrue(out.get(2).line(true).startsWith("c: no answer within the timeout"), out.get(2).line(true));
        assertTrue(Files.exists(a.resolve("stop-requested")), "the runner learns the stop was asked for");
    }

    @Test
    void drainFindsCrflowJobsByTheirCommentAndTheirControlDirectoryByTheirWorkdir() {
        List<NodeJobs.CrflowJob> jobs = NodeJobs.parse("""
                101|crflow:step=simulate;budget=PT71H|/scratch/u/.crflow/steps/simulate
                102|my own job|/home/u
                103|crflow:step=count;budget=PT2H|/scratch/u/nf/.crflow-nf/ab12
                """);
        assertEquals(List.of(new NodeJobs.CrflowJob("101", "simulate", Path.of("/scratch/u/.crflow/steps/simulate")),
                new NodeJobs.CrflowJob("103", "count", Path.of("/scratch/u/nf/.crflow-nf/ab12"))), jobs);
    }
}
