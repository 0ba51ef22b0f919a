package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Print the effective, fully resolved steps of a workflow file.")
public final class ShowCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow show' is not implemented yet");
    }
}
