package dev.crflow.coordinator.slurm;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scontrol command lines, through the SlurmControl seam (real Slurm is exercised by the executor's ITs). */
class SlurmRequeuerTest {
    final List<List<String>> calls = new ArrayList<>();

    SlurmControl answering(int... exitCodes) {
        int[] i = {0};
        return args -> {
            calls.add(args);
            int rc = i[0] < exitCodes.length ? exitCodes[i[0]] : 0;
            i[0]++;
            return new CommandResult(rc, "", rc == 0 ? "" : "Job is not pending", false);
        };
    }

    @Test
    void requeuesThenReleasesTheHold() throws Exception {
        Requeuer.Outcome o = new SlurmRequeuer(answering(), m -> {}, 3, Duration.ZERO)
                .requeue(new Requeuer.Plan("123", Optional.empty(), Optional.empty()));
        assertTrue(o.ok());
        assertEquals(List.of(List.of("requeue", "123"), List.of("update", "JobId=123", "StartTime=now")), calls);
    }

    @Test
    void lowersTheTimeLimitInWholeMinutesRoundedUpAndRecordsTheBudgetInTheComment() throws Exception {
        new SlurmRequeuer(answering(), m -> {}, 3, Duration.ZERO)
                .requeue(new Requeuer.Plan("9", Optional.of(Duration.ofSeconds(601)), Optional.of(Duration.ofSeconds(601))));
        assertEquals(List.of(
                List.of("requeue", "9"),
                List.of("update", "JobId=9", "TimeLimit=11"),
                List.of("update", "JobId=9", "Comment=crflow-budget-remaining=601s"),
                List.of("update", "JobId=9", "StartTime=now")), calls);
    }

    @Test
    void retriesTheHoldReleaseWhileTheJobIsNotPendingYet() throws Exception {
        Requeuer.Outcome o = new SlurmRequeuer(answering(0, 1, 1, 0), m -> {}, 5, Duration.ZERO)
                .requeue(new Requeuer.Plan("7", Optional.empty(), Optional.empty()));
        assertTrue(o.ok());
        assertEquals(4, calls.size());
        assertEquals(List.of("update", "JobId=7", "StartTime=now"), calls.get(3));
    }

    @Test
    void aFailedRequeueIsReportedNotHidden() throws Exception {
        Requeuer.Outcome o = new SlurmRequeuer(answering(1), m -> {}, 3, Duration.ZERO)
                .requeue(new Requeuer.Plan("7", Optional.empty(), Optional.empty()));
        assertFalse(o.ok());
        assertTrue(o.message().contains("scontrol requeue 7 failed"), o.message());
        assertEquals(1, calls.size());
    }

    @Test
    void wholeMinutesNeverBelowOne() {
        assertEquals(1, SlurmRequeuer.wholeMinutes(Duration.ofSeconds(5)));
        assertEquals(2, SlurmRequeuer.wholeMinutes(Duration.ofSeconds(61)));
        assertEquals(60, SlurmRequeuer.wholeMinutes(Duration.ofHours(1)));
    }
}
