package dev.crflow.cli.runner;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.DslException;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.Workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Loads a workflow file through the DSL; an invalid file ends here with every diagnostic and exit code 2. */
public final class Workflows {
    private Workflows() {}

    public static Workflow load(Path file, Optional<String> profile) {
        return load(file, profile, dev.crflow.cli.settings.SettingsFiles.load());
    }

    /** @param settings site and user settings, under the workflow's own values (docs/settings.md) */
    public static Workflow load(Path file, Optional<String> profile, dev.crflow.dsl.model.SiteSettings settings) {
        if (!Files.isRegularFile(file)) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "no workflow file " + file + " (give the path of a .groovy workflow)");
        }
        try {
            // Site and user settings sit under the workflow's own values (docs/settings.md).
            Workflow wf = WorkflowLoader.load(file, profile, settings);
            if (wf.steps().isEmpty()) {
                throw new CrflowException(ExitCodes.INVALID_INPUT, file + " declares no steps (a policy-only file is for Nextflow/Snakemake)");
            }
            return wf;
        } catch (DslException e) {
            StringBuilder b = new StringBuilder(file + " is not valid:");
            for (Diagnostic d : e.diagnostics()) b.append("\n  ").append(d.format());
            throw new CrflowException(ExitCodes.INVALID_INPUT, b.toString());
        }
    }
}
