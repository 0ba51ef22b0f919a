package dev.crflow.dsl;

import dev.crflow.dsl.internal.SettingsCompiler;
import dev.crflow.dsl.model.SiteSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads a site or user settings file ({@code settings { partition 'batch'; engine 'dmtcp'; … }}) with the DSL's
 * located diagnostics. A file with an error yields no settings.
 */
public final class SettingsLoader {
    private SettingsLoader() {}

    public record Result(Optional<SiteSettings> settings, List<Diagnostic> diagnostics) {
        public List<Diagnostic> errors() { return diagnostics.stream().filter(Diagnostic::isError).toList(); }
    }

    public static Result load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Result(Optional.empty(), List.of(new Diagnostic(file.toString(), 0, Severity.ERROR, "cannot read the file: " + e.getMessage())));
        }
        return parse(text, file.toString());
    }

    public static Result parse(String text, String displayName) {
        SettingsCompiler.Result r = SettingsCompiler.compile(text, displayName);
        return new Result(r.settings(), r.diagnostics());
    }
}
