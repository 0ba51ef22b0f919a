package dev.crflow.cli.runner;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.control.ImageGeneration;
import dev.crflow.executor.control.JournalEntry;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.control.StepResult;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One step as {@code crflow status} shows it, computed only from files (driver.json and the control directory).
 * The JSON fields (name, state, jobId, attempts, restarts, generations, lastCheckpoint, exitCode) are a user contract.
 */
@JsonPropertyOrder({"name", "state", "jobId", "attempts", "restarts", "generations", "lastCheckpoint", "exitCode"})
public record StepView(String name, StepState state, String jobId, int attempts, int restarts, int generations,
                       Instant lastCheckpoint, Integer exitCode,
                       @JsonIgnore String message, @JsonIgnore Optional<Duration> budgetLeft, @JsonIgnore Optional<String> node) {

    public static StepView of(Step step, DriverStepState driver, StepControlDir ctl) {
        List<JournalEntry> journal = ctl.readJournal();
        int attempts = (int) journal.stream().filter(e -> e.event().equals("attempt-start")).count();
        int restarts = restarts(journal);
        Optional<StepResult> result = ctl.readResult();
        if (result.isPresent() && result.get().restarts() != null) restarts = Math.max(restarts, result.get().restarts());
        if (result.isPresent() && result.get().attempts() != null) attempts = Math.max(attempts, result.get().attempts());
        List<ImageGeneration> gens = ctl.generations().stream().filter(ImageGeneration::valid).toList();
        Instant last = gens.isEmpty() ? null : gens.get(gens.size() - 1).created();
        Integer exit = driver.exitCode() != null ? driver.exitCode() : result.map(StepResult::exitCode).orElse(null);
        StepState state = driver.state();
        if (state == StepState.RUNNING || state == StepState.CHECKPOINTING) {
            String phase = ctl.readCoordinatorPhase().orElse("");
            if (phase.equals("CHECKPOINTING")) state = StepState.CHECKPOINTING;
            else if (phase.equals("REQUEUEING")) state = StepState.REQUEUED;
            else if (state == StepState.CHECKPOINTING) state = StepState.RUNNING;
        }
        Optional<Duration> budgetLeft = step.checkpoint().totalTime().map(t -> t.minus(computeUsed(journal)));
        Optional<String> node = ctl.readJob().flatMap(j -> j.nodes().isEmpty() ? Optional.empty() : Optional.of(String.join(",", j.nodes())));
        return new StepView(step.name(), state, driver.currentJobId(), attempts, restarts, gens.size(), last, exit,
                driver.message(), budgetLeft, node);
    }

    /**
     * Restarts counted the coordinator's way (its {@code History}: attempt-ends for walltime/preemption that requeued,
     * and lost attempts), plus what only the driver knows: an attempt whose coordinator died and was not recovered
     * yet, and jobs lost before their coordinator ever started ({@code attempt-lost} of a job with no attempt-start).
     */
    static int restarts(List<JournalEntry> journal) {
        int n = 0;
        java.util.Set<String> started = new java.util.HashSet<>();
        boolean open = false;
        String openJob = null;
        int openAttempt = -1;
        for (JournalEntry e : journal) {
            switch (e.event()) {
                case "attempt-start" -> {
                    started.add(e.text("jobId"));
                    open = true;
                    openJob = e.text("jobId");
                    openAttempt = e.integer("attempt").orElse(-1);
                }
                case "attempt-end" -> {
                    open = false;
                    String reason = e.text("reason");
                    boolean requeued = e.json().path("requeued").asBoolean(false);
                    if (reason.equals("lost") || (requeued && (reason.equals("walltime") || reason.equals("preempted")))) n++;
                }
                default -> { }
            }
        }
        boolean openNoted = false;
        for (JournalEntry e : journal) {
            if (!e.event().equals("attempt-lost")) continue;
            String job = e.text("jobId");
            if (!started.contains(job)) n++;
            // the open attempt itself was lost (the coordinator has not recorded it yet); not an earlier attempt of the same job id
            else if (open && job.equals(openJob) && e.integer("attempt").orElse(openAttempt) == openAttempt) openNoted = true;
        }
        return n + (openNoted ? 1 : 0);
    }

    static Duration computeUsed(List<JournalEntry> journal) {
        long seconds = 0;
        for (JournalEntry e : journal) {
            if (e.event().equals("attempt-end")) seconds += e.json().path("computeSeconds").asLong(0);
        }
        return Duration.ofSeconds(seconds);
    }
}
