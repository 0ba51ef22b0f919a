package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "images", mixinStandardHelpOptions = true, description = "List the checkpoint image generations of a step.")
public final class ImagesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow images' is not implemented yet");
    }
}
