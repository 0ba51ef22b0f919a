package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "rerun", mixinStandardHelpOptions = true, description = "Rerun failed steps.")
public final class RerunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow rerun' is not implemented yet");
    }
}
