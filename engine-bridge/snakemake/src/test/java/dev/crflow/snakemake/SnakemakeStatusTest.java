package dev.crflow.snakemake;

import dev.crflow.coordinator.control.Outcome;
import dev.crflow.coordinator.control.Result;
import dev.crflow.executor.slurm.QueueEntry;
import dev.crflow.executor.slurm.SlurmState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.crflow.snakemake.SnakemakeStatus.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole mapping table: Slurm state x coordinator result x snapshot facts → running/success/failed. */
class SnakemakeStatusTest {
    private static Optional<QueueEntry> listed(SlurmState s, String reason) {
        return Optional.of(new QueueEntry("42", "42", "N/A", "smk.x", s, reason, List.of()));
    }

    private static final Optional<Result> NONE = Optional.empty();
    private static final Optional<Result> COMPLETED = Optional.of(new Result(Outcome.COMPLETED, 0, 3, 2, 0, null));

    @ParameterizedTest(name = "{0} ({1}) without result → {2}")
    @CsvSource({
            "PENDING, Priority, RUNNING",
            "PENDING, BeginTime, RUNNING",          // pending after a requeue (requeue hold)
            "REQUEUE_HOLD, None, RUNNING",
            "REQUEUED, None, RUNNING",
            "REQUEUE_FED, None, RUNNING",
            "CONFIGURING, None, RUNNING",
            "RUNNING, None, RUNNING",
            "COMPLETING, None, RUNNING",
            "SIGNALING, None, RUNNING",
            "STAGE_OUT, None, RUNNING",
            "RESIZING, None, RUNNING",
            "SUSPENDED, None, RUNNING",
            "STOPPED, None, RUNNING",
            "RESV_DEL_HOLD, None, RUNNING",
            "UNKNOWN, None, RUNNING",
            "COMPLETED, None, FAILED",              // success only when the coordinator recorded completion
            "FAILED, NonZeroExitCode, FAILED",
            "OUT_OF_MEMORY, None, FAILED",
            "DEADLINE, None, FAILED",
            "SPECIAL_EXIT, None, FAILED",
            "TIMEOUT, None, FAILED",
            "PREEMPTED, None, FAILED",
            "NODE_FAIL, None, FAILED",
            "BOOT_FAIL, None, FAILED",
            "REVOKED, None, FAILED",
            "CANCELLED, None, FAILED",
    })
    void slurmStates(SlurmState state, String reason, SnakemakeStatus expected) {
        assertEquals(expected, decide(true, listed(state, reason), NONE, true, false).status());
    }

    @ParameterizedTest(name = "{0} with COMPLETED result → success")
    @CsvSource({"RUNNING", "COMPLETING", "COMPLETED", "CANCELLED"})
    void resultWins(SlurmState state) {
        assertEquals(SUCCESS, decide(true, listed(state, "None"), COMPLETED, true, false).status());
    }

    @ParameterizedTest(name = "outcome {0}, exit {1} → {2}")
    @CsvSource({"COMPLETED, 0, SUCCESS", "COMPLETED, 3, FAILED", "FAILED, 1, FAILED", "BUDGET_EXHAUSTED, 0, FAILED",
            "ENGINE_ERROR, 99, FAILED"})
    void outcomes(String outcome, int exit, SnakemakeStatus expected) {
        Optional<Result> r = Optional.of(new Result(Outcome.valueOf(outcome), exit, 1, 0, 0, null));
        assertEquals(expected, decide(true, Optional.empty(), r, true, false).status());
    }

    @Test
    void unknownIsNeverFailed() {
        assertEquals(RUNNING, decide(false, Optional.empty(), NONE, true, false).status(), "squeue failed");
        assertEquals(SUCCESS, decide(false, Optional.empty(), COMPLETED, true, false).status(), "the result needs no squeue");
    }

    @Test
    void goneFromTheQueue() {
        assertEquals(FAILED, decide(true, Optional.empty(), NONE, true, false).status());
        assertEquals(SUCCESS, decide(true, Optional.empty(), COMPLETED, true, false).status());
        assertEquals(RUNNING, decide(true, Optional.empty(), NONE, false, false).status(), "snapshot older than the submission");
        assertEquals(RUNNING, decide(true, Optional.empty(), NONE, true, true).status(), "fresh coordinator heartbeat");
        assertEquals(RUNNING, decide(true, listed(SlurmState.COMPLETED, "None"), NONE, true, true).status(),
                "Slurm finished before the coordinator's result is visible");
    }

    @Test
    void words() {
        assertEquals("running", RUNNING.word());
        assertEquals("success", SUCCESS.word());
        assertEquals("failed", FAILED.word());
    }
}
