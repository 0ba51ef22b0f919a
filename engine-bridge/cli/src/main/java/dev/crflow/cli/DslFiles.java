package dev.crflow.cli;

import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.LoadResult;
import dev.crflow.dsl.WorkflowLoader;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Loading a DSL file for a command: clear messages for missing files, every diagnostic on stderr. */
final class DslFiles {
    private DslFiles() {}

    /** Loads a workflow or policy file; prints every diagnostic to err; throws exit 2 when there is an error. */
    static LoadResult loadOrFail(Path file, Optional<String> profile, PrintWriter err) {
        return loadOrFail(file, profile, dev.crflow.dsl.model.SiteSettings.empty(), err);
    }

    /** {@link #loadOrFail(Path, Optional, PrintWriter)} with site and user settings under the file's values. */
    static LoadResult loadOrFail(Path file, Optional<String> profile, dev.crflow.dsl.model.SiteSettings settings, PrintWriter err) {
        if (!Files.exists(file)) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "no such file: " + file + " (give the path of a workflow file)");
        }
        if (Files.isDirectory(file)) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, file + " is a directory, not a workflow file");
        }
        LoadResult result = settings.isEmpty() ? WorkflowLoader.checkAny(file, profile) : WorkflowLoader.checkAny(file, profile, settings);
        for (Diagnostic d : result.diagnostics()) err.println(d.format());
        if (!result.ok()) {
            err.println("crflow: " + file + ": " + count(result.errors(), "error") + summaryWarnings(result.warnings()));
            err.flush();
            throw new SilentExit(ExitCodes.INVALID_INPUT);
        }
        err.flush();
        return result;
    }

    static String count(List<?> items, String noun) {
        return items.size() + " " + noun + (items.size() == 1 ? "" : "s");
    }

    private static String summaryWarnings(List<Diagnostic> warnings) {
        return warnings.isEmpty() ? "" : ", " + count(warnings, "warning");
    }

    /** The diagnostics are already printed: exit with the code, print nothing more. */
    static final class SilentExit extends RuntimeException {
        final int exitCode;

        SilentExit(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }
}
