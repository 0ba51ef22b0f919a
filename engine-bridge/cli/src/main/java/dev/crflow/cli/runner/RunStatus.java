package dev.crflow.cli.runner;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crflow.cli.report.WorkFigures;
import dev.crflow.coordinator.run.WorkAccount;
import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code crflow status}: the run's state and its steps, read from files only (never from Slurm), so it answers
 * at once and works while a driver runs or after it died.
 *
 * @param state PENDING, RUNNING, COMPLETED, FAILED or CANCELLED (the run as a whole)
 */
@JsonPropertyOrder({"state", "steps", "workSaved", "checkpointCost", "lostWorkTotal"})
public record RunStatus(StepState state, List<StepView> steps) {

    /** The steps' work accounts summed: what checkpoints saved and cost in the whole run. */
    @JsonIgnore
    public WorkAccount work() {
        return steps.stream().map(StepView::work).reduce(WorkAccount.empty().withBytesStored(0), WorkAccount::plus);
    }

    @JsonProperty("workSaved")
    public WorkFigures.WorkSaved workSaved() { return WorkFigures.workSaved(work()); }

    @JsonProperty("checkpointCost")
    public WorkFigures.CheckpointCost checkpointCost() { return WorkFigures.checkpointCost(work()); }

    @JsonProperty("lostWorkTotal")
    public WorkFigures.LostTotal lostWorkTotal() { return WorkFigures.lostWorkTotal(work()); }

    public static RunStatus read(RunDirectory dir) {
        dir.requireRun();
        Workflow wf = dir.workflow().orElseThrow(() -> new CrflowException(ExitCodes.INVALID_INPUT,
                "the run in " + dir.root() + " has no workflow.json yet; run 'crflow run FILE' first"));
        List<StepView> views = new ArrayList<>();
        for (Step s : wf.steps()) views.add(StepView.of(s, dir.driverState(s.name()), dir.step(s.name())));
        return new RunStatus(overall(views, RunLock.holder(dir.root()).isPresent()), views);
    }

    static StepState overall(List<StepView> views, boolean driverAlive) {
        if (views.stream().allMatch(v -> v.state() == StepState.COMPLETED)) return StepState.COMPLETED;
        if (views.stream().anyMatch(v -> v.state().active()) || driverAlive) return StepState.RUNNING;
        if (views.stream().anyMatch(v -> v.state() == StepState.FAILED)) return StepState.FAILED;
        if (views.stream().anyMatch(v -> v.state() == StepState.CANCELLED)) return StepState.CANCELLED;
        return StepState.PENDING;
    }
}
