package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "checkpoint", mixinStandardHelpOptions = true, description = "Checkpoint a running step now (and stop it with --stop).")
public final class CheckpointCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow checkpoint' is not implemented yet");
    }
}
