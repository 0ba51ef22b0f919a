package dev.crflow.cli.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crflow.coordinator.run.WorkAccount;

import java.util.List;

/**
 * The work-saved figures as {@code crflow status --json} and {@code crflow report --json} write them (docs/status.md,
 * "Work saved"), from the coordinator's {@link WorkAccount}. Field names are a contract: seconds are wall seconds
 * (milliseconds precision), bytes are bytes.
 */
public final class WorkFigures {
    private WorkFigures() {}

    /** {@code workSaved}: the compute the interruptions would have cost from scratch. */
    @JsonPropertyOrder({"seconds", "interruptions"})
    public record WorkSaved(double seconds, int interruptions) {}

    /** {@code checkpointCost}: time in checkpoints (committed or failed) and restores, and image bytes. */
    @JsonPropertyOrder({"seconds", "checkpointSeconds", "restoreSeconds", "checkpoints", "restores", "bytesWritten", "bytesStored"})
    public record CheckpointCost(double seconds, double checkpointSeconds, double restoreSeconds, int checkpoints, int restores,
                                 long bytesWritten, long bytesStored) {}

    /**
     * One entry of {@code lostWork}: an interruption.
     *
     * @param seconds        compute since the generation restored, done again
     * @param atLeast        the attempt's end is its last sign of life: a lower bound
     * @param savedSeconds   the compute that generation held (what a restart from scratch would have redone)
     * @param restoredFrom   the generation the next attempt restored; null: from scratch
     * @param stopCheckpoint the attempt ended in a committed checkpoint that stopped the application (nothing lost)
     * @param pending        no next attempt yet: {@code restoredFrom} is the newest committed generation
     */
    @JsonPropertyOrder({"attempt", "reason", "seconds", "atLeast", "savedSeconds", "restoredFrom", "stopCheckpoint", "pending"})
    public record Interruption(int attempt, String reason, double seconds, boolean atLeast, double savedSeconds,
                               Integer restoredFrom, boolean stopCheckpoint, boolean pending) {}

    /** {@code lostWorkTotal}: every interruption's lost work summed. */
    @JsonPropertyOrder({"seconds", "atLeast", "interruptions"})
    public record LostTotal(double seconds, boolean atLeast, int interruptions) {}

    public static WorkSaved workSaved(WorkAccount a) {
        return new WorkSaved(round3(a.savedSeconds()), a.interruptions().size());
    }

    public static CheckpointCost checkpointCost(WorkAccount a) {
        return new CheckpointCost(round3(a.costSeconds()), round3(a.checkpointSeconds()), round3(a.restoreSeconds()), a.checkpoints(),
                a.restores(), a.bytesWritten(), a.bytesStored().orElse(0L));
    }

    public static List<Interruption> lostWork(WorkAccount a) {
        return a.interruptions().stream().map(i -> new Interruption(i.attempt(), i.reason().wireName(), i.lostSeconds(),
                i.lowerBound(), i.savedSeconds(), i.restoredFrom().orElse(null), i.stopCheckpoint(), i.pending())).toList();
    }

    public static LostTotal lostWorkTotal(WorkAccount a) {
        return new LostTotal(round3(a.lostSeconds()), a.lostIsLowerBound(), a.interruptions().size());
    }

    private static double round3(double d) { return Math.round(d * 1000) / 1000.0; }
}
