package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.store.ImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalEngineTest {
    @TempDir Path tmp;

    /** An application that is already gone, with the launch wrapper's status {@code status}. */
    static AppProcess ended(int status) {
        return new AppProcess() {
            public int pgid() { return 4242; }
            public boolean isAlive() { return false; }
            public OptionalInt waitFor(Duration timeout) { return OptionalInt.of(status); }
            public boolean signalGroup(int signal) { return false; }
            public boolean groupAlive() { return false; }
        };
    }

    /**
     * Found by scripts/chaos (seed 20261127, trial 100): the application was SIGKILLed as the warning arrived; its
     * output was newer than its last saved state, the stop checkpoint kept both, and the restored count repeated
     * itself with exit 0. A SIGKILLed application saved nothing: its files are no checkpoint.
     */
    @Test
    void aStopCheckpointOfAnApplicationThatWasKilledInsteadOfSavingIsRefused() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("state"), "33");
        Files.writeString(work.resolve("count.out"), "1\n2\n");
        ControlDir ctl = ControlDir.of(Files.createDirectories(tmp.resolve("ctl")));
        EngineContext ctx = new EngineContext(null, ctl, work, List.of("true"), Map.of(), null, s -> {});
        SignalEngine engine = new SignalEngine("INT", List.of("state", "count.out"));
        ImageStore.Pending target = ImageStore.open(ctl.root()).begin("test");
        Deadline deadline = Deadline.in(Clock.systemUTC(), Duration.ofSeconds(5));

        EngineException e = assertThrows(EngineException.class, () -> engine.checkpoint(ctx, ended(137), target, true, deadline));
        assertTrue(e.getMessage().contains("killed (SIGKILL"), e.getMessage());

        // an application that saved and exited by itself (the seeds' count-signal.py exits 1) is a checkpoint
        Map<String, Object> data = engine.checkpoint(ctx, ended(1), ImageStore.open(ctl.root()).begin("test2"), true, deadline);
        assertTrue(data.get("state").toString().contains("count.out"), data.toString());
    }

    /**
     * Found by scripts/chaos on Slurm (seed 20261201, trial 4): a user's scancel during the preemption grace time; Slurm's
     * SIGTERM killed the application (status 143) before the coordinator forwarded SIGINT, the stop checkpoint kept its
     * stale 'state' with its newer 'count.out', and the resumed count repeated 8..21 with exit 0.
     */
    @Test
    void aStopCheckpointOfAnApplicationThatDiedOfTheJobsSigtermIsRefused() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("state"), "8");
        Files.writeString(work.resolve("count.out"), "1\n2\n3\n4\n5\n6\n7\n8\n9\n");
        ControlDir ctl = ControlDir.of(Files.createDirectories(tmp.resolve("ctl")));
        EngineContext ctx = new EngineContext(null, ctl, work, List.of("true"), Map.of(), null, s -> {});
        SignalEngine engine = new SignalEngine("INT", List.of("state", "count.out"));
        Deadline deadline = Deadline.in(Clock.systemUTC(), Duration.ofSeconds(5));

        for (int status : new int[] {143, 129}) {
            EngineException e = assertThrows(EngineException.class,
                    () -> engine.checkpoint(ctx, ended(status), ImageStore.open(ctl.root()).begin("t" + status), true, deadline));
            assertTrue(e.getMessage().contains("died of signal") && e.getMessage().contains("not kept"), e.getMessage());
        }
        // an application that saves on TERM itself (forward 'TERM') and re-raises it is left to its own convention
        SignalEngine onTerm = new SignalEngine("TERM", List.of("state", "count.out"));
        Map<String, Object> data = onTerm.checkpoint(ctx, ended(143), ImageStore.open(ctl.root()).begin("term"), true, deadline);
        assertTrue(data.get("state").toString().contains("state"), data.toString());
    }
}
