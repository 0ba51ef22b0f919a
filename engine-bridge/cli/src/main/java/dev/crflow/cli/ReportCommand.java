package dev.crflow.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true, description = "Write one self-contained HTML page that shows what happened in the run.")
public final class ReportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new CrflowException(ExitCodes.ENVIRONMENT, "'crflow report' is not implemented yet");
    }
}
