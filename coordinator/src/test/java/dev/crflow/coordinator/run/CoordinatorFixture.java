package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.SystemProcessLauncher;
import dev.crflow.coordinator.slurm.Requeuer;
import dev.crflow.coordinator.spec.SpecReader;
import org.junit.jupiter.api.io.TempDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A coordinator run in-process on a fake engine, a fake requeuer and a clock that moves one second per reading, with a
 * signal-engine policy the tests adjust ({@link #policy}, {@link #retry}) before {@link #run}.
 */
abstract class CoordinatorFixture {
    @TempDir Path ctl;
    final FakeClock clock = new FakeClock();
    final List<Requeuer.Plan> requeues = new ArrayList<>();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    /** The step's checkpoint policy as spec.json spells it. */
    final Map<String, Object> policy = new LinkedHashMap<>(Map.of("engine", "SIGNAL", "signal", "USR1", "lead", "PT60S",
            "keep", 2, "maxRestarts", 5));
    int retry;

    /** A clock for the coordinator's accounting: each read advances it by one second. */
    static final class FakeClock extends Clock {
        private Instant now = Instant.parse("2026-11-21T10:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public synchronized Instant instant() {
            now = now.plusSeconds(1);
            return now;
        }
    }

    int run(FakeEngine engine, Optional<Integer> generation, Consumer<Coordinator> beforeRun) throws Exception {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "step");
        spec.put("command", Map.of("kind", "COMMAND", "text", "true"));
        spec.put("workdir", ctl.resolve("work").toString());
        spec.put("resources", Map.of("time", "PT10M"));
        spec.put("checkpoint", policy);
        spec.put("retry", retry);
        Files.writeString(ctl.resolve("spec.json"), SpecReader.mapper().writeValueAsString(spec));
        Requeuer requeuer = plan -> {
            requeues.add(plan);
            return new Requeuer.Outcome(true, "requeued (fake)");
        };
        Coordinator c = new Coordinator(new Coordinator.Config(ctl, true, "job-1", 0, "host", Duration.ofSeconds(20), generation),
                clock, new SystemProcessLauncher(), requeuer, s -> engine, new PrintStream(log, true));
        beforeRun.accept(c);
        return c.run();
    }

    List<Event> events() throws Exception { return Journal.read(ctl).stream().map(JournalEvent::typed).toList(); }

    Result result() { return ControlDir.of(ctl).readResult().orElseThrow(); }
}
