package dev.crflow.cli;

import dev.crflow.cli.drain.CheckpointRequests;
import dev.crflow.cli.drain.NodeJobs;
import dev.crflow.cli.runner.DriverStepState;
import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.process.SystemProcessRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Checkpoint a running step now (the seeds' manual strategy); with --stop, then stop it.",
                "With --all, every running step of the run at once (--node NODE: only those on that node), e.g. before",
                "maintenance. A stopped step resumes from that image with 'crflow restart STEP' (or 'crflow run')."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every checkpoint committed", "1:a checkpoint failed or did not answer in time", "2:invalid input"})
public final class CheckpointCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STEP", description = "The step (or --all).") String step;

    @Option(names = "--all", description = "Every running step of the run.") boolean all;

    @Option(names = "--node", paramLabel = "NODE", description = "With --all: only the steps whose job runs on NODE (asks squeue once).")
    String node;

    @Option(names = "--stop", description = "Stop the step after the checkpoint is committed.") boolean stop;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = "How long to wait for the checkpoints (default 300s).")
    Duration timeout = Duration.ofSeconds(300);

    @Option(names = "--json", description = "Machine-readable: {\"checkpoints\": [{\"name\", \"jobId\", \"ok\", \"status\", \"generation\", \"bytes\", \"durationMs\", \"detail\"}]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((step == null) == !all) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "name one STEP, or --all for every running step of the run");
        }
        if (node != null && !all) throw new CrflowException(ExitCodes.INVALID_INPUT, "--node goes with --all");
        RunDirectory dir = workdir.runDirectory();
        List<CheckpointRequests.Target> targets = all ? running(dir) : List.of(one(dir, step));
        if (node != null) {
            Set<String> there = NodeJobs.jobsOn(new SystemProcessRunner(), node,
                    targets.stream().flatMap(t -> t.jobId().stream()).toList());
            targets = targets.stream().filter(t -> t.jobId().filter(there::contains).isPresent()).toList();
        }
        if (targets.isEmpty()) {
            spec.commandLine().getOut().println("no running step" + (node == null ? "" : " on node " + node) + ": nothing to checkpoint");
            return ExitCodes.OK;
        }
        if (!json) {
            spec.commandLine().getOut().println("asked " + targets.size() + " step(s) to checkpoint" + (stop ? " and stop" : "") + "; waiting...");
            spec.commandLine().getOut().flush();
        }
        List<CheckpointRequests.Outcome> outcomes = new CheckpointRequests(Clock.systemUTC(), Duration.ofMillis(250)).run(targets, stop, timeout);
        return Outcomes.print(spec.commandLine().getOut(), outcomes, stop, json);
    }

    private CheckpointRequests.Target one(RunDirectory dir, String name) {
        StepControlDir ctl = CommandSupport.stepDir(dir, name);
        DriverStepState st = dir.driverState(name);
        if (!st.state().active()) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "step " + name + " is not running (" + st.state() + "); nothing to checkpoint");
        }
        return new CheckpointRequests.Target(name, ctl.path(), ctl.readJob().map(JobRecord::jobId));
    }

    private List<CheckpointRequests.Target> running(RunDirectory dir) {
        List<CheckpointRequests.Target> targets = new ArrayList<>();
        for (Step s : CommandSupport.workflow(dir).steps()) {
            if (!dir.driverState(s.name()).state().active()) continue;
            StepControlDir ctl = dir.step(s.name());
            targets.add(new CheckpointRequests.Target(s.name(), ctl.path(), ctl.readJob().map(JobRecord::jobId)));
        }
        return targets;
    }
}
