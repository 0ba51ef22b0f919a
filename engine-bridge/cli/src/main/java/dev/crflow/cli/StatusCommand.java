package dev.crflow.cli;

import dev.crflow.cli.runner.RunStatus;
import dev.crflow.cli.runner.StepView;
import dev.crflow.executor.control.ControlJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the state of the run in the work directory (read from its files; Slurm is not asked).")
public final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Option(names = "--json", description = "Machine-readable: {\"state\", \"steps\": [{\"name\", \"state\", \"jobId\", \"attempts\", \"restarts\", \"generations\", \"lastCheckpoint\", \"exitCode\"}]}; steps with interval 'auto' also \"autoInterval\" (the last choice and its inputs).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RunStatus status = RunStatus.read(workdir.runDirectory());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ControlJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
            out.println("run: " + status.state());
            out.printf("%-24s %-13s %-10s %8s %8s %11s %-16s %s%n", "STEP", "STATE", "JOB", "ATTEMPTS", "RESTARTS", "GENERATIONS",
                    "LAST CHECKPOINT", "EXIT");
            for (StepView v : status.steps()) {
                out.printf("%-24s %-13s %-10s %8d %8d %11d %-16s %s%n", v.name(), v.state(), v.jobId() == null ? "-" : v.jobId(),
                        v.attempts(), v.restarts(), v.generations(),
                        v.lastCheckpoint() == null ? "-" : Duration.between(v.lastCheckpoint(), Instant.now()).getSeconds() + "s ago",
                        v.exitCode() == null ? "-" : v.exitCode());
                if (!v.message().isEmpty() && (v.state().name().equals("FAILED") || v.state().active())) {
                    out.println("    " + v.message());
                }
                v.autoInterval().ifPresent(a -> out.println("    interval auto: " + a.describe()));
            }
            out.println(dev.crflow.cli.report.ReportLocator.statusHint(workdir.runDirectory().root().getParent()));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
