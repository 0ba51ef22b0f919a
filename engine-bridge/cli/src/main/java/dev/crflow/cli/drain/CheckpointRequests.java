package dev.crflow.cli.drain;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks running coordinators to checkpoint (and stop), all at once, and waits for each answer in its own journal:
 * the manual strategy of the seeds for one step ({@code crflow checkpoint STEP}), for a whole run
 * ({@code --all}), or for everything of a user on a node before maintenance ({@code crflow drain}). Every target
 * reports what it did, and one that cannot checkpoint in time says so.
 */
public final class CheckpointRequests {
    /** One control directory to checkpoint, with the name to report it by (a step, or a job id). */
    public record Target(String name, Path ctl, Optional<String> jobId) {}

    public enum Status { COMMITTED, FAILED, NO_ANSWER }

    /** What became of one request: the generation committed, or why not. */
    public record Outcome(Target target, Status status, Optional<Integer> generation, long bytes, long durationMs, String detail) {
        public boolean ok() { return status == Status.COMMITTED; }

        public String line(boolean stop) {
            return switch (status) {
                case COMMITTED -> target.name() + ": generation " + generation.map(String::valueOf).orElse("?") + " committed ("
                        + bytes + " bytes in " + durationMs + " ms)" + (stop ? "; stopped, resumable" : "");
                case FAILED -> target.name() + ": checkpoint FAILED: " + detail + " (the previous generation is kept"
                        + (stop ? "; the step was not stopped" : "") + ")";
                case NO_ANSWER -> target.name() + ": no answer within the timeout: " + detail;
            };
        }
    }

    private final Clock clock;
    private final Duration poll;

    public CheckpointRequests(Clock clock, Duration poll) {
        this.clock = clock;
        this.poll = poll;
    }

    /** Writes every request first (so all coordinators work at once), then collects the answers until {@code timeout}. */
    public List<Outcome> run(List<Target> targets, boolean stop, Duration timeout) throws IOException, InterruptedException {
        Map<Target, String> pending = new LinkedHashMap<>();
        for (Target t : targets) {
            if (stop) SafeFiles.writeAtomically(t.ctl().resolve(dev.crflow.executor.lifecycle.StepLifecycle.STOP_MARKER), clock.instant().minusMillis(500) + "\n");
            pending.put(t, ControlDir.of(t.ctl()).requestCheckpoint(stop));
        }
        Map<Target, Outcome> done = new LinkedHashMap<>();
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            for (Map.Entry<Target, String> p : pending.entrySet()) {
                if (done.containsKey(p.getKey())) continue;
                answer(p.getKey(), p.getValue()).ifPresent(o -> done.put(p.getKey(), o));
            }
            if (done.size() == pending.size() || !clock.instant().isBefore(deadline)) break;
            Thread.sleep(poll.toMillis());
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<Target, String> p : pending.entrySet()) {
            outcomes.add(done.getOrDefault(p.getKey(), new Outcome(p.getKey(), Status.NO_ANSWER, Optional.empty(), 0, 0,
                    "is its job running? The request stays in " + ControlDir.of(p.getKey().ctl()).requests()
                            + " until the coordinator reads it")));
        }
        return outcomes;
    }

    /** The coordinator's checkpoint event carrying this request id, if it has answered. */
    static Optional<Outcome> answer(Target t, String requestId) {
        List<JournalEvent> journal;
        try {
            journal = Journal.read(t.ctl());
        } catch (IOException e) {
            return Optional.empty(); // not readable yet: ask again at the next poll
        }
        return journal.stream()
                .filter(e -> e.is(JournalEvent.CHECKPOINT) && e.requestId().filter(requestId::equals).isPresent())
                .findFirst()
                .map(e -> e.ok().orElse(true)
                        ? new Outcome(t, Status.COMMITTED, e.generation(), e.bytes().orElse(0L), e.durationMs().orElse(0L), "")
                        : new Outcome(t, Status.FAILED, Optional.empty(), 0, e.durationMs().orElse(0L), e.error().orElse("unknown error")));
    }
}
