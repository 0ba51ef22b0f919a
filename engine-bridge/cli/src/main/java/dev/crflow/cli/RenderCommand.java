package dev.crflow.cli;

import dev.crflow.cli.runner.DriverStepState;
import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.cli.runner.RunInfo;
import dev.crflow.cli.runner.StepView;
import dev.crflow.cli.runner.Workflows;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.slurm.BatchScriptRenderer;
import dev.crflow.executor.slurm.CoordinatorLaunch;
import dev.crflow.executor.slurm.JobNames;
import dev.crflow.executor.slurm.RenderRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true, description = "Print exactly the sbatch script that would be submitted for a step.")
public final class RenderCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow (.groovy).") Path file;
    @Parameters(index = "1", paramLabel = "STEP", description = "The step to render.") String stepName;

    @Option(names = "--profile", paramLabel = "P", description = "Apply profile P of the workflow.") String profile;

    @Override
    public Integer call() {
        Workflow wf = Workflows.load(file, Optional.ofNullable(profile));
        Step step = wf.step(stepName).orElseThrow(() -> new CrflowException(ExitCodes.INVALID_INPUT, "no step '" + stepName
                + "' in " + file + "; steps: " + String.join(", ", wf.steps().stream().map(Step::name).limit(20).toList())));
        RunDirectory dir = workdir.runDirectory();
        String wfPath = Path.of(wf.sourceFile()).toAbsolutePath().normalize().toString();
        Optional<RunInfo> run = dir.info().filter(i -> i.workflowFile().equals(wfPath));
        String runId = run.map(RunInfo::runId).orElseGet(JobNames::newRunId);
        if (run.isEmpty()) {
            spec.commandLine().getErr().println("crflow: no run of this workflow in " + dir.root().getParent()
                    + " yet: the job name uses a new run id (chosen for real by 'crflow run')");
        }
        DriverStepState st = dir.driverState(step.name());
        Optional<Duration> budget = step.checkpoint().totalTime().isEmpty() ? Optional.empty()
                : StepView.of(step, st, dir.step(step.name())).budgetLeft();
        RenderRequest req = new RenderRequest(step, JobNames.forStep(runId, step.name()), dir.step(step.name()).path(),
                CoordinatorLaunch.fromEnvironment(), budget, st.excludeNodes());
        spec.commandLine().getOut().print(new BatchScriptRenderer().render(req));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
