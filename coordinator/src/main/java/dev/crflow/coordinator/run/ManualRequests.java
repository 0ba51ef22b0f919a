package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code requests/stop} and {@code requests/checkpoint} ({@code crflow checkpoint [--stop]}): taken once each, deleted,
 * journalled as {@code request} with the id the answering {@code checkpoint} event will carry.
 */
final class ManualRequests {

    /** @param id the request's id, when its body was readable (a request without one is still a request) */
    record Request(boolean stop, Optional<String> id) {}

    private final ControlDir ctl;
    private final AttemptJournal journal;

    ManualRequests(ControlDir ctl, AttemptJournal journal) {
        this.ctl = ctl;
        this.journal = journal;
    }

    /** The pending request, a stop before a checkpoint; empty when there is none. */
    Optional<Request> poll() throws IOException {
        Path stop = ctl.requests().resolve(ControlDir.REQUEST_STOP);
        if (Files.exists(stop)) return Optional.of(consume(stop, true));
        Path now = ctl.requests().resolve(ControlDir.REQUEST_CHECKPOINT);
        if (Files.exists(now)) return Optional.of(consume(now, false));
        return Optional.empty();
    }

    private Request consume(Path file, boolean stop) throws IOException {
        Optional<String> id = Optional.empty();
        try {
            Map<?, ?> m = SpecReader.mapper().readValue(file.toFile(), Map.class);
            id = Optional.ofNullable(m.get("id")).map(Object::toString);
        } catch (IOException ignored) {
            // no id to answer with
        }
        Files.deleteIfExists(file);
        journal.request(id, stop);
        return new Request(stop, id);
    }
}
