package dev.crflow.cli;

import dev.crflow.snakemake.SnakemakeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "crflow",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Checkpoint/restart for workflow steps on Slurm.",
                "Long steps survive walltimes, preemption and lost nodes: crflow checkpoints them",
                "(DMTCP, CRIU or the application's own signal handler), requeues them and resumes",
                "them from their last good image."},
        subcommands = {
                CheckCommand.class, ShowCommand.class, RenderCommand.class,
                RunCommand.class, StatusCommand.class, CancelCommand.class, RerunCommand.class,
                ImagesCommand.class, CheckpointCommand.class, DrainCommand.class, RestartCommand.class,
                ReportCommand.class, ContainerCheckCommand.class, SnakemakeCommand.class, DoctorCommand.class,
                CompletionCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                ExitCodes.OK + ":success",
                ExitCodes.FAILED + ":a workflow or step failed",
                ExitCodes.INVALID_INPUT + ":invalid input or usage",
                ExitCodes.ENVIRONMENT + ":environment problem (Slurm unreachable, engine or runtime missing)"})
public final class CrflowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.INVALID_INPUT;
    }
}
