package dev.crflow.cli;

import dev.crflow.dsl.LoadResult;
import dev.crflow.dsl.model.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a workflow file (or a policy file for Nextflow/Snakemake).",
                "Every problem is printed at once on stderr as FILE:LINE: message; warnings do not fail the check."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the file is valid (warnings may have been printed)", "2:the file has errors, or does not exist"})
public final class CheckCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow (.groovy) file.")
    Path file;

    @Option(names = "--profile", paramLabel = "P", description = "Apply the defaults of profile P (as crflow run would).")
    String profile;

    @Override
    public Integer call() {
        try {
            LoadResult result = DslFiles.loadOrFail(file, Optional.ofNullable(profile), spec.commandLine().getErr());
            Workflow w = result.workflow().orElseThrow();
            StringBuilder what = new StringBuilder();
            if (!w.steps().isEmpty()) what.append(DslFiles.count(w.steps(), "step"));
            if (!w.policy().isEmpty()) {
                if (what.length() > 0) what.append(", ");
                what.append(DslFiles.count(w.policy(), "policy rule"));
            }
            if (what.length() == 0) what.append("no steps");
            w.profile().ifPresent(p -> what.append(", profile ").append(p));
            if (!result.warnings().isEmpty()) what.append(", ").append(DslFiles.count(result.warnings(), "warning"));
            spec.commandLine().getOut().println(file + ": ok (" + what + ")");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (DslFiles.SilentExit e) {
            return e.exitCode;
        }
    }
}
