package dev.crflow.snakemake;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "snakemake", mixinStandardHelpOptions = true,
        description = "Snakemake cluster bridge: submit, status, cancel, profile.")
public final class SnakemakeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }
}
