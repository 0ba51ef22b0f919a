package dev.crflow.cli;

import dev.crflow.cli.runner.RunDirectory;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --workdir DIR}: where the run's state lives ({@code DIR/.crflow/}); default the current directory. */
public final class WorkdirOption {
    @Option(names = "--workdir", paramLabel = "DIR", description = "Directory holding the run's state in DIR/.crflow (default: the current directory).")
    Path workdir = Path.of("");

    public RunDirectory runDirectory() { return new RunDirectory(workdir); }
}
