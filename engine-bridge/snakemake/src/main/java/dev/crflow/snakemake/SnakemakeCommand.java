package dev.crflow.snakemake;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "snakemake", mixinStandardHelpOptions = true,
        description = {"Snakemake cluster bridge: run Snakemake rules as checkpointable crflow steps on Slurm.",
                "Write a profile once (crflow snakemake profile DIR), then: snakemake --profile DIR",
                "Snakemake calls submit, status and cancel itself (its --cluster / cluster-generic contract)."},
        subcommands = {SubmitCommand.class, StatusCommand.class, CancelCommand.class, ProfileCommand.class,
                SidecarCommand.class, PluginCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {BridgeExit.OK + ":success", BridgeExit.FAILED + ":failed", BridgeExit.INVALID_INPUT + ":invalid input or usage", BridgeExit.ENVIRONMENT + ":environment problem (Slurm unreachable)"})
public final class SnakemakeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return BridgeExit.INVALID_INPUT;
    }
}
