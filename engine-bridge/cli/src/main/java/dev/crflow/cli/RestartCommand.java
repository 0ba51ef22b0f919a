package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart a step from its newest (or a chosen) image generation.")
public final class RestartCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow restart' is not implemented yet");
    }
}
