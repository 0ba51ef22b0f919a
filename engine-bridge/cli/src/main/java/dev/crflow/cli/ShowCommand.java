package dev.crflow.cli;

import dev.crflow.dsl.LoadResult;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.ModelJson;
import dev.crflow.dsl.model.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print the effective, fully resolved steps of a workflow file:",
                "defaults and the chosen profile applied, every default filled in."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK + ":shown", ExitCodes.INVALID_INPUT + ":the file has errors, or does not exist"})
public final class ShowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow (.groovy) file.")
    Path file;

    @Option(names = "--profile", paramLabel = "P", description = "Apply the defaults of profile P.")
    String profile;

    @Option(names = "--json", description = "Print the resolved model as JSON (what the executor renders and the coordinator reads).")
    boolean json;

    @Override
    public Integer call() {
        try {
            dev.crflow.dsl.model.SiteSettings settings = dev.crflow.cli.settings.SettingsFiles.load();
            LoadResult result = DslFiles.loadOrFail(file, Optional.ofNullable(profile), settings, spec.commandLine().getErr());
            Workflow w = result.workflow().orElseThrow();
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? ModelJson.toJson(w) + "\n" : WorkflowView.render(w)
                    + SettingsView.render(w, settings, other -> WorkflowLoader.checkAny(file, Optional.ofNullable(profile), other).workflow()));
            out.flush();
            return ExitCodes.OK;
        } catch (DslFiles.SilentExit e) {
            return e.exitCode;
        }
    }
}
