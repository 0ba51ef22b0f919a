package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "container-check", mixinStandardHelpOptions = true, description = "Report whether a container image has what the checkpoint engine needs.")
public final class ContainerCheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow container-check' is not implemented yet");
    }
}
