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
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.PrivateFiles;
import dev.crflow.executor.control.StepControlDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel the run: its jobs are cancelled (no checkpoint) and its steps marked CANCELLED.",
                "Images stay; 'crflow run' again resumes from them."})
public final class CancelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = workdir.runDirectory();
        RunInfo info = dir.requireRun();
        PrintWriter out = spec.commandLine().getOut();
        Optional<String> driver = RunLock.holder(dir.root());
        if (driver.isPresent()) {
            // A live driver owns the jobs: ask it, and wait for it to finish.
            PrivateFiles.writeAtomically(dir.cancelRequest(), Instant.now() + "\n");
            out.println("asked the driver (" + driver.get() + ") to cancel the run...");
            out.flush();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
            while (RunLock.holder(dir.root()).isPresent()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new CrflowException(ExitCodes.FAILED, "the driver did not stop within 120 s; it will cancel at its next poll");
                }
                Thread.sleep(200);
            }
            out.println("run cancelled");
            return ExitCodes.OK;
        }
        try (RunLock lock = RunLock.acquire(dir.root(), "crflow cancel")) {
            Workflow wf = CommandSupport.workflow(dir);
            int cancelled = 0;
            try (StepExecutor exec = Executors.create(info.executor(), Duration.ofSeconds(1), Clock.systemUTC())) {
                for (Step step : wf.steps()) {
                    DriverStepState st = dir.driverState(step.name());
                    if (st.state().active()) {
                        StepControlDir ctl = dir.step(step.name());
                        Optional<JobRecord> rec = ctl.readJob();
                        if (rec.isPresent()) {
                            StepLaunch launch = new StepLaunch(step, ctl, rec.get().jobName(), rec.get().attempt(), List.of(), Optional.empty(), List.of());
                            JobHandle h = exec.reattach(launch, rec.get());
                            try {
                                exec.cancel(h);
                                cancelled++;
                                out.println("cancelled " + step.name() + " (job " + h.jobId() + ")");
                            } catch (ExecutorException e) {
                                out.println("could not cancel " + step.name() + " (job " + h.jobId() + "): " + e.getMessage());
                            }
                        }
                        dir.writeDriverState(step.name(), st.withState(StepState.CANCELLED, "cancelled by 'crflow cancel'"));
                    } else if (st.state() == StepState.PENDING) {
                        dir.writeDriverState(step.name(), st.withState(StepState.CANCELLED, "cancelled by 'crflow cancel'"));
                    }
                }
            }
            out.println("run cancelled (" + cancelled + " job" + (cancelled == 1 ? "" : "s") + " stopped; images kept)");
            return ExitCodes.OK;
        }
    }
}
