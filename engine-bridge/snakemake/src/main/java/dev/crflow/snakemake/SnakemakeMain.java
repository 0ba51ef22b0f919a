package dev.crflow.snakemake;

import picocli.CommandLine;

/** {@code crflow snakemake …} without the rest of the CLI: for the end-to-end tests and embedding. */
public final class SnakemakeMain {
    private SnakemakeMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new SnakemakeCommand()).execute(args));
    }
}
