package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true, description = "Print exactly the sbatch script that would be submitted for a step.")
public final class RenderCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow render' is not implemented yet");
    }
}
