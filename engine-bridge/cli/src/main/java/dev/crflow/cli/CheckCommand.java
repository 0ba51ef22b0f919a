package dev.crflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.LoadResult;
import dev.crflow.dsl.Severity;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.ModelJson;
import dev.crflow.dsl.model.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a workflow file (or a policy file for Nextflow/Snakemake).",
                "Every problem is printed at once on stderr as FILE:LINE: message; warnings do not fail the check."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK + ":the file is valid (warnings may have been printed)", ExitCodes.INVALID_INPUT + ":the file has errors, or does not exist"})
public final class CheckCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow (.groovy) file.")
    Path file;

    @Option(names = "--profile", paramLabel = "P", description = "Apply the defaults of profile P (as crflow run would).")
    String profile;

    @Option(names = "--json", description = "Print {\"file\", \"ok\", \"diagnostics\": [{\"file\", \"line\", \"severity\", \"message\"}]} on stdout instead of text (same exit codes).")
    boolean json;

    @Override
    public Integer call() {
        if (json) return json();
        try {
            // checked as crflow run loads it: with the site and user settings under it (docs/settings.md)
            LoadResult result = DslFiles.loadOrFail(file, Optional.ofNullable(profile),
                    dev.crflow.cli.settings.SettingsFiles.load(), spec.commandLine().getErr());
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

    private Integer json() {
        dev.crflow.dsl.model.SiteSettings settings = dev.crflow.dsl.model.SiteSettings.empty();
        Optional<String> settingsError = Optional.empty();
        try {
            settings = dev.crflow.cli.settings.SettingsFiles.load();
        } catch (CrflowException e) {
            settingsError = Optional.of(e.getMessage()); // still JSON: the broken settings are the diagnostic
        }
        LoadResult result = !Files.exists(file)
                ? new LoadResult(Optional.empty(), List.of(new Diagnostic(file.toString(), 0, Severity.ERROR, "no such file")))
                : settingsError.isPresent()
                ? new LoadResult(Optional.empty(), List.of(new Diagnostic(file.toString(), 0, Severity.ERROR, settingsError.get())))
                : WorkflowLoader.checkAny(file, Optional.ofNullable(profile), settings);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        out.put("ok", result.ok());
        out.put("diagnostics", result.diagnostics());
        try {
            spec.commandLine().getOut().println(ModelJson.mapper().writeValueAsString(out));
        } catch (JsonProcessingException e) {
            throw new CrflowException(ExitCodes.FAILED, "cannot write JSON: " + e.getMessage(), e);
        }
        spec.commandLine().getOut().flush();
        return result.ok() ? ExitCodes.OK : ExitCodes.INVALID_INPUT;
    }
}
