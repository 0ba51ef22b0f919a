package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.engine.Apps;
import dev.crflow.coordinator.engine.CheckpointEngine;
import dev.crflow.coordinator.engine.Deadline;
import dev.crflow.coordinator.journal.EndReason;
import dev.crflow.coordinator.journal.RequeueKind;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.LaunchWrapper;
import dev.crflow.coordinator.slurm.JobEndingClassifier;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Step 6 of the data flow when the application ended by itself: natural completion, its own failure, an engine
 * failure, or death by the job's own end (Slurm's SIGTERM), told apart by the launch wrapper's completion marker, never
 * by an exit code (DMTCP exits 0 on checkpoint), and handed to {@link Ending}.
 */
final class ApplicationEnd {
    private final ControlDir ctl;
    private final Clock clock;
    private final CheckpointEngine engine;
    private final Ending ending;
    private final JobEndingClassifier.Endings endings;
    /** Whether the coordinator saw SIGTERM: the application may have died of the same signal before it acted. */
    private final BooleanSupplier termSeen;
    private final Consumer<String> say;

    ApplicationEnd(ControlDir ctl, Clock clock, CheckpointEngine engine, Ending ending, JobEndingClassifier.Endings endings,
                   BooleanSupplier termSeen, Consumer<String> say) {
        this.ctl = ctl;
        this.clock = clock;
        this.engine = engine;
        this.ending = ending;
        this.endings = endings;
        this.termSeen = termSeen;
        this.say = say;
    }

    /** The application is gone and left its completion marker: it ended by itself before a signal was handled. */
    boolean completedBefore(AppProcess app) {
        return !app.isAlive() && markerStatus().isPresent();
    }

    /** SIGKILLed (by the launch wrapper's reckoning): it saved nothing. */
    static boolean killedOutright(AppProcess app) throws InterruptedException {
        OptionalInt st = app.waitFor(Duration.ZERO);
        return st.isPresent() && st.getAsInt() == LaunchWrapper.KILLED_STATUS;
    }

    /** The application ended: finish, retry or requeue the step as what ended it calls for. */
    int ended(AppProcess app) throws IOException, InterruptedException {
        OptionalInt st = app.waitFor(Duration.ofSeconds(1));
        int leaderStatus = st.orElse(-1);
        // children of the application that outlive it are part of this attempt; end them
        if (app.groupAlive()) {
            Apps.awaitGroupExit(app, Deadline.in(clock, Duration.ofSeconds(2)));
            if (app.groupAlive()) Apps.terminate(app, Duration.ofSeconds(3));
        }
        Optional<Integer> marker = markerStatus();
        Files.deleteIfExists(ctl.exitMarker());
        if (marker.isPresent()) {
            int code = marker.get();
            if (code == 0) {
                say.accept("the application completed (exit 0)");
                return ending.finish(Outcome.COMPLETED, 0, EndReason.COMPLETED, "completed", Optional.of(0));
            }
            Optional<EndReason> jobEnding = TermEndings.endingOf(code, termSeen, endings); // killed by Slurm's SIGTERM?
            if (jobEnding.isPresent()) return endedWithJob(jobEnding.get(), code);
            say.accept("the application failed with exit code " + code);
            return ending.failOrRetry(EndReason.FAILED, code, "the application exited with " + code);
        }
        if (engine.isEngineFailure(leaderStatus, false)) {
            return ending.failOrRetry(EndReason.ENGINE_ERROR, ExitCodes.ENGINE_ERROR,
                    "engine '" + engine.name() + "' failed (status " + leaderStatus + ")");
        }
        Optional<EndReason> jobEnding = TermEndings.endingOf(leaderStatus < 0 ? 137 : leaderStatus, termSeen, endings);
        if (jobEnding.isPresent()) return endedWithJob(jobEnding.get(), leaderStatus);
        return ending.failOrRetry(EndReason.FAILED, leaderStatus < 0 ? 1 : leaderStatus,
                "the launch wrapper ended (status " + leaderStatus + ") without a completion marker: killed from outside?");
    }

    /** The application died of the signal that ends the job: a cancel ends the step, anything else resumes it. */
    private int endedWithJob(EndReason reason, int code) throws IOException, InterruptedException {
        if (reason == EndReason.CANCELLED) return ending.cancelled(Optional.of(code));
        say.accept("the application was killed (status " + code + ") by the job's end (" + reason.wireName() + "): requeue from generation "
                + ending.lastGood().map(String::valueOf).orElse("none (from scratch)"));
        return ending.requeue(reason, Optional.of(code), RequeueKind.RESTART);
    }

    private Optional<Integer> markerStatus() {
        try {
            return Optional.of(Integer.parseInt(Files.readString(ctl.exitMarker()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
