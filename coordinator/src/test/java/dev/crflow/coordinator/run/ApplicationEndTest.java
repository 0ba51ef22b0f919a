package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.slurm.JobEnding;
import dev.crflow.coordinator.slurm.JobEndingClassifier;
import dev.crflow.coordinator.slurm.Requeuer;
import dev.crflow.coordinator.spec.StepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How an application that ended by itself ends the step: marker, engine failure, or the job's own SIGTERM. */
class ApplicationEndTest {
    @TempDir Path dir;
    final CoordinatorFixture.FakeClock clock = new CoordinatorFixture.FakeClock();
    final List<String> said = new ArrayList<>();
    final List<Requeuer.Plan> requeues = new ArrayList<>();

    int end(FakeEngine.FakeApp app, Optional<Integer> marker, boolean termSeen, JobEnding slurmSays) throws Exception {
        ControlDir ctl = ControlDir.of(dir);
        marker.ifPresent(m -> {
            try {
                Files.writeString(ctl.exitMarker(), Integer.toString(m));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (Journal journal = Journal.openForAppend(ctl.journal(), clock)) {
            Vitals vitals = new Vitals(ctl, clock, "77", "host", said::add);
            Requeuer requeuer = plan -> {
                requeues.add(plan);
                return new Requeuer.Outcome(true, "requeued (fake)");
            };
            Ending ending = new Ending(ctl, "step", "77", 0, new Budget(5, 0, Optional.empty(), Optional.empty()),
                    History.of(List.of()), new AttemptJournal(journal, 1), vitals, requeuer, clock, clock.instant(), said::add,
                    StepSpec.FromScratch.REFUSE);
            ending.running(app);
            JobEndingClassifier.Endings endings = () -> slurmSays;
            ApplicationEnd end = new ApplicationEnd(ctl, clock, new FakeEngine(dir), ending, endings, () -> termSeen, said::add);
            return end.ended(app);
        }
    }

    Outcome outcome() { return ControlDir.of(dir).readResult().orElseThrow().outcome(); }

    static FakeEngine.FakeApp endedWith(int status) {
        FakeEngine.FakeApp app = new FakeEngine.FakeApp();
        app.end(status);
        return app;
    }

    @Test
    void theCompletionMarkerZeroIsCompletionWhateverTheExitStatus() throws Exception {
        assertEquals(0, end(endedWith(0), Optional.of(0), false, JobEnding.UNKNOWN));
        assertEquals(Outcome.COMPLETED, outcome());
        assertFalse(Files.exists(ControlDir.of(dir).exitMarker()), "the marker is consumed");
        assertTrue(requeues.isEmpty());
    }

    @Test
    void aNonZeroMarkerWithoutSigtermIsTheApplicationsFailure() throws Exception {
        assertEquals(3, end(endedWith(3), Optional.of(3), false, JobEnding.UNKNOWN));
        assertEquals(Outcome.FAILED, outcome());
        assertTrue(said.contains("the application failed with exit code 3"), said.toString());
    }

    @Test
    void killedByTheJobsSigtermOnACancelEndsTheStepCancelled() throws Exception {
        assertEquals(ExitCodes.CANCELLED, end(endedWith(143), Optional.of(143), true, JobEnding.CANCELLED));
        assertEquals(Outcome.CANCELLED, outcome());
        assertTrue(requeues.isEmpty(), "a cancel is never requeued");
    }

    @Test
    void killedByTheJobsSigtermOnAPreemptionIsRequeued() throws Exception {
        assertEquals(ExitCodes.REQUEUED, end(endedWith(143), Optional.empty(), true, JobEnding.PREEMPTED));
        assertEquals(1, requeues.size());
    }

    @Test
    void anApplicationGoneWithoutMarkerOrSigtermFailsAsKilledFromOutside() throws Exception {
        assertEquals(137, end(endedWith(137), Optional.empty(), false, JobEnding.UNKNOWN));
        assertEquals(Outcome.FAILED, outcome());
    }
}
