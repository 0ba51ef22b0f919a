package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a workflow file; exit 0 when valid, 2 with every problem as FILE:LINE: message.")
public final class CheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow check' is not implemented yet");
    }
}
