package dev.crflow.cli;

import dev.crflow.cli.runner.DriverStepState;
import dev.crflow.cli.runner.Executors;
import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.cli.runner.RunInfo;
import dev.crflow.cli.runner.RunLock;
import dev.crflow.cli.runner.StepState;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.lifecycle.StepLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restart a step from its newest valid image (or generation N) in a new job, then drive the run on.",
                "A running job of the step is cancelled first."})
public final class RestartCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Parameters(index = "0", paramLabel = "STEP") String step;

    @Option(names = "--generation", paramLabel = "N", description = "Restore this generation instead of the newest valid one.")
    Integer generation;

    @Option(names = "--poll", paramLabel = "DURATION", converter = DurationConverter.class, description = "Time between two looks at the jobs.")
    Duration poll;

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = workdir.runDirectory();
        RunInfo info = dir.requireRun();
        StepControlDir ctl = CommandSupport.stepDir(dir, step);
        Workflow wf = CommandSupport.workflow(dir);
        Step s = wf.step(step).orElseThrow();
        try (RunLock lock = RunLock.acquire(dir.root(), "crflow restart")) {
            if (generation != null) {
                refuseWhatTheCoordinatorWouldRefuse(ctl, generation);
                ctl.control().requestRestoreFrom(generation);
            }
            DriverStepState st = dir.driverState(step);
            if (st.state().active() && ctl.readJob().isPresent()) {
                try (StepExecutor exec = Executors.create(info.executor(), Duration.ofSeconds(1), Clock.systemUTC())) {
                    var rec = ctl.readJob().get();
                    var h = exec.reattach(new StepLaunch(s, ctl, rec.jobName(), rec.attempt(), List.of(), Optional.empty(), List.of()), rec);
                    exec.cancel(h);
                    spec.commandLine().getOut().println("cancelled job " + h.jobId() + " of step " + step);
                } catch (ExecutorException e) {
                    throw new CrflowException(ExitCodes.ENVIRONMENT, "could not cancel the step's job: " + e.getMessage(), e);
                }
            }
            Files.deleteIfExists(ctl.path().resolve(StepLifecycle.STOP_MARKER));
            StepLifecycle.archiveResult(ctl, st.attempt());
            dir.writeDriverState(step, st.withFailures(0).withState(StepState.PENDING,
                    "restart requested from " + (generation == null ? "the newest valid generation" : "generation " + generation)));
        }
        try (RunLock lock = RunLock.acquire(dir.root(), "crflow restart")) {
            return RunCommand.drive(spec, dir, info, wf, poll, null);
        }
    }

    /**
     * The coordinator restores a requested generation only if {@link ImageStore#invalidBecause} finds nothing wrong with
     * it (manifest complete, every size and checksum as recorded), and exits 99 otherwise: the same check here, the
     * one definition of a valid generation, before anything is cancelled.
     */
    private void refuseWhatTheCoordinatorWouldRefuse(StepControlDir ctl, int n) throws java.io.IOException {
        Optional<String> problem = ImageStore.open(ctl.path()).invalidBecause(n);
        if (problem.isPresent()) {
            List<String> valid = ctl.generations().stream().filter(Generation::valid).map(g -> String.valueOf(g.number())).toList();
            throw new CrflowException(ExitCodes.INVALID_INPUT, "step " + step + ": generation " + n + " cannot be restored ("
                    + problem.get() + "); the coordinator would refuse it. Complete generations: "
                    + (valid.isEmpty() ? "none" : String.join(", ", valid)));
        }
    }
}
