package dev.crflow.cli;

import dev.crflow.cli.runner.DriverStepState;
import dev.crflow.cli.runner.Executors;
import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.cli.runner.RunInfo;
import dev.crflow.cli.runner.RunLock;
import dev.crflow.cli.runner.StepState;
import dev.crflow.cli.runner.StepView;
import dev.crflow.cli.runner.Workflows;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.lifecycle.StepLifecycle;
import dev.crflow.executor.slurm.JobNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "rerun", mixinStandardHelpOptions = true,
        description = {"Run the failed steps again (with a fresh retry budget), then drive the run on.",
                "On Slurm, several failed steps with the same resources go as ONE job array."})
public final class RerunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Option(names = "--failed", required = true, description = "Rerun the steps that failed.") boolean failed;

    @Option(names = "--poll", paramLabel = "DURATION", converter = DurationConverter.class, description = "Time between two looks at the jobs.")
    Duration poll;

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = workdir.runDirectory();
        RunInfo info = dir.requireRun();
        Workflow wf = Workflows.load(Path.of(info.workflowFile()), Optional.ofNullable(info.profile()));
        try (RunLock lock = RunLock.acquire(dir.root(), "crflow rerun")) {
            List<Step> failedSteps = new ArrayList<>();
            for (Step s : wf.steps()) {
                DriverStepState st = dir.driverState(s.name());
                if (st.state() != StepState.FAILED) continue;
                StepControlDir ctl = dir.step(s.name());
                StepLifecycle.archiveResult(ctl, st.attempt());
                dir.writeDriverState(s.name(), st.withFailures(0).withState(StepState.PENDING, "rerun after failure"));
                failedSteps.add(s);
            }
            if (failedSteps.isEmpty()) {
                spec.commandLine().getOut().println("no failed steps to rerun");
                return ExitCodes.OK;
            }
            spec.commandLine().getOut().println("rerunning " + failedSteps.size() + " failed step(s): "
                    + String.join(", ", failedSteps.stream().map(Step::name).toList()));
            if (info.executor().equals("slurm") && failedSteps.size() > 1) submitAsArrays(dir, info, failedSteps);
            return RunCommand.drive(spec, dir, info, wf, poll, null);
        }
    }

    /** Ready failed steps grouped by identical resources; each group of two or more becomes one job array. */
    private void submitAsArrays(RunDirectory dir, RunInfo info, List<Step> steps) {
        Map<String, List<Step>> groups = new LinkedHashMap<>();
        for (Step s : steps) {
            boolean ready = s.after().stream().allMatch(d -> dir.driverState(d).state() == StepState.COMPLETED);
            if (!ready) continue;
            String key = s.resources() + "|" + s.modules() + "|" + s.sbatchExtra() + "|" + s.checkpoint().signal() + s.checkpoint().lead();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
        try (StepExecutor exec = Executors.checked("slurm", Duration.ofSeconds(10), Clock.systemUTC())) {
            int n = 0;
            for (List<Step> group : groups.values()) {
                if (group.size() < 2) continue;
                List<StepLaunch> launches = new ArrayList<>();
                for (Step s : group) {
                    DriverStepState st = dir.driverState(s.name());
                    StepControlDir ctl = dir.step(s.name());
                    Optional<Duration> budget = StepView.of(s, st, ctl).budgetLeft();
                    launches.add(new StepLaunch(s, ctl, JobNames.forStep(info.runId(), s.name()), st.attempt() + 1, st.excludeNodes(),
                            budget, st.jobIds()));
                }
                String arrayName = JobNames.prefix(info.runId()) + "rerun-" + System.currentTimeMillis() / 1000 + "-" + (n++);
                List<JobHandle> handles = exec.submitArray(launches, arrayName, dir.root().resolve("arrays").resolve(arrayName));
                for (int i = 0; i < handles.size(); i++) {
                    DriverStepState st = dir.driverState(group.get(i).name());
                    dir.writeDriverState(group.get(i).name(), st.submitted(handles.get(i).jobId(), launches.get(i).attempt())
                            .withState(StepState.SUBMITTED, "rerun in job array " + handles.get(i).jobId()));
                }
                spec.commandLine().getOut().println("submitted " + group.size() + " steps as job array "
                        + handles.get(0).jobId().replaceAll("_.*", ""));
            }
        } catch (ExecutorException e) {
            throw new CrflowException(e.environment() ? ExitCodes.ENVIRONMENT : ExitCodes.FAILED, e.getMessage(), e);
        }
    }
}
