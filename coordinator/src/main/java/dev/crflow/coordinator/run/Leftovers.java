package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.control.Status;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.Posix;
import dev.crflow.coordinator.proc.ProcSampler;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a coordinator killed without a word (SIGKILL, node lost) leaves behind: an attempt without an end, and possibly
 * its application still running. The next coordinator on the same control directory settles both before it starts.
 */
final class Leftovers {
    private final ControlDir ctl;
    private final String host;
    private final Consumer<String> say;
    /** The process group last written to {@code app-process.json} (-1: none yet). */
    private int recordedPgid = -1;

    Leftovers(ControlDir ctl, String host, Consumer<String> say) {
        this.ctl = ctl;
        this.host = host;
        this.say = say;
    }

    /**
     * Journals {@code attempt-end reason lost} for an attempt that started and never ended, charged up to its last
     * heartbeat (written every 5 s). Answers the history to go on with.
     */
    History recordLostAttempt(History history, Journal journal) throws IOException {
        Optional<JournalEvent> open = history.unfinished();
        if (open.isEmpty()) return history;
        JournalEvent start = open.get();
        int recorded = start.attempt().orElse(0);
        int lost = recorded > 0 ? recorded : history.attempts();
        double seconds = 0;
        Optional<Status> hb = ctl.readHeartbeat();
        if (hb.isPresent() && hb.get().attempt() == lost) {
            seconds = Math.max(0, Duration.between(start.time(), hb.get().time()).toMillis() / 1000.0);
        }
        AttemptJournal.endLost(journal, lost, seconds);
        say.accept("attempt " + lost + " was lost (its coordinator was killed); recovering from the last committed generation");
        return History.read(ctl.root());
    }

    /** A killed coordinator may leave its application running; end it before restoring under it. */
    void killLeftoverApplication() throws IOException, InterruptedException {
        if (!Files.exists(ctl.appProcess())) return;
        Map<?, ?> m;
        try {
            m = SpecReader.mapper().readValue(ctl.appProcess().toFile(), Map.class);
        } catch (IOException e) {
            Files.deleteIfExists(ctl.appProcess());
            return;
        }
        Object recordedHost = m.get("host");
        int pgid = m.get("pgid") instanceof Number n ? n.intValue() : -1;
        long ticks = m.get("startTicks") instanceof Number n ? n.longValue() : -1;
        if (pgid > 1 && host.equals(recordedHost) && Posix.groupExists(pgid)) {
            Optional<Long> leader = ProcSampler.startTicks(pgid);
            // a live leader with another start time is a reused pid; a dead leader keeps its pgid reserved
            if (leader.isEmpty() || leader.get() == ticks) {
                say.accept("ending process group " + pgid + " left running by a killed coordinator");
                Posix.signalGroup(pgid, Signals.number("KILL"));
                for (int i = 0; i < 50 && Posix.groupExists(pgid); i++) Thread.sleep(100);
            }
        }
        Files.deleteIfExists(ctl.appProcess());
    }

    /** Records the application again when its process group is no longer the one recorded. */
    void recordApplicationIfMoved(AppProcess app, int attempt) throws IOException {
        if (app.pgid() != recordedPgid) recordApplication(app, attempt);
    }

    /** {@code app-process.json}: what {@link #killLeftoverApplication} needs if this coordinator is killed. */
    void recordApplication(AppProcess app, int attempt) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pgid", app.pgid());
        m.put("host", host);
        m.put("startTicks", ProcSampler.startTicks(app.pgid()).orElse(-1L));
        m.put("attempt", attempt);
        SafeFiles.writeAtomically(ctl.appProcess(), SpecReader.mapper().writeValueAsString(m));
        recordedPgid = app.pgid();
    }
}
