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
}
