package dev.crflow.cli;

import picocli.CommandLine;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI without exiting the JVM: for tests and for embedding. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new CrflowCommand());
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CrflowException ce) {
                commandLine.getErr().println("crflow: " + ce.getMessage());
                return ce.exitCode();
            }
            commandLine.getErr().println("crflow: internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return ExitCodes.FAILED;
        });
        cmd.setExitCodeExceptionMapper(ex -> ExitCodes.INVALID_INPUT);
        return cmd;
    }
}
