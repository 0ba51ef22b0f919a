package dev.crflow.cli.runner;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.crflow.cli.report.AutoIntervalFacts;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.crflow.cli.report.WorkFigures;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crflow.coordinator.control.Phase;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.run.History;
import dev.crflow.coordinator.run.WorkAccount;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.lifecycle.StepLifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One step as {@code crflow status} shows it, computed only from files (driver.json and the control directory).
 * The JSON fields (name, state, jobId, attempts, restarts, generations, lastCheckpoint, exitCode) are a user contract.
 * Attempts, restarts and the budget left are the coordinator's {@link History} of the journal, so status and the
 * coordinator never disagree; generations are the ones the coordinator would restore from.
 */
@JsonPropertyOrder({"name", "state", "jobId", "attempts", "restarts", "generations", "lastCheckpoint", "exitCode",
        "workSaved", "checkpointCost", "lostWork", "lostWorkTotal"})
public record StepView(String name, StepState state, String jobId, int attempts, int restarts, int generations,
                       Instant lastCheckpoint, Integer exitCode,
                       @JsonIgnore String message, @JsonIgnore Optional<Duration> budgetLeft, @JsonIgnore Optional<String> node,
                       /** interval 'auto' only: the last choice and its inputs (absent from the JSON otherwise) */
                       @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<AutoIntervalFacts> autoInterval,

                       @JsonIgnore WorkAccount work) {

    /** A step with no control directory read (nothing done yet, or too many steps to read for a progress line). */
    public StepView(String name, StepState state, String message) {
        this(name, state, null, 0, 0, 0, null, null, message, Optional.empty(), Optional.empty(), Optional.empty(), WorkAccount.empty().withBytesStored(0));
    }

    // ---- work saved (docs/status.md): the coordinator's WorkAccount of the journal, in the JSON's words

    @JsonProperty("workSaved")
    public WorkFigures.WorkSaved workSaved() { return WorkFigures.workSaved(work); }

    @JsonProperty("checkpointCost")
    public WorkFigures.CheckpointCost checkpointCost() { return WorkFigures.checkpointCost(work); }

    @JsonProperty("lostWork")
    public List<WorkFigures.Interruption> lostWork() { return WorkFigures.lostWork(work); }

    @JsonProperty("lostWorkTotal")
    public WorkFigures.LostTotal lostWorkTotal() { return WorkFigures.lostWorkTotal(work); }

    public static StepView of(Step step, DriverStepState driver, StepControlDir ctl) {
        List<JournalEvent> journal = ctl.readJournal();
        int attempts = History.of(journal).attempts();
        int restarts = History.restartsWithLosses(journal);
        Optional<Result> result = ctl.readResult();
        if (result.isPresent()) restarts = Math.max(restarts, result.get().restarts());
        if (result.isPresent()) attempts = Math.max(attempts, result.get().attempts());
        List<Generation> all = ctl.generations();
        List<Generation> gens = all.stream().filter(Generation::valid).toList();
        Instant last = gens.isEmpty() ? null : gens.get(gens.size() - 1).created();
        Integer exit = driver.exitCode() != null ? driver.exitCode() : result.map(r -> (Integer) r.exitCode()).orElse(null);
        StepState state = driver.state();
        if (state == StepState.RUNNING || state == StepState.CHECKPOINTING) {
            Optional<Phase> phase = ctl.readCoordinatorPhase();
            if (phase.filter(p -> p == Phase.CHECKPOINTING).isPresent()) state = StepState.CHECKPOINTING;
            else if (phase.filter(p -> p == Phase.REQUEUEING).isPresent()) state = StepState.REQUEUED;
            else if (state == StepState.CHECKPOINTING) state = StepState.RUNNING;
        }
        Optional<Duration> budgetLeft = StepLifecycle.budgetLeft(step, journal);
        Optional<String> node = ctl.readJob().flatMap(j -> j.nodes().isEmpty() ? Optional.empty() : Optional.of(String.join(",", j.nodes())));
        return new StepView(step.name(), state, driver.currentJobId(), attempts, restarts, gens.size(), last, exit,
                driver.message(), budgetLeft, node, AutoIntervalFacts.of(journal),
                // bytes stored: the manifests' sizes of the generations listed above, not a walk of the images on every poll
                WorkAccount.of(journal).withBytesStored(all.stream().mapToLong(Generation::bytes).sum()));
    }
}
