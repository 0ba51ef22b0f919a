package dev.crflow.dsl;

import dev.crflow.dsl.internal.DslCompiler;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.dsl.settings.SettingsApplication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The entry point of the DSL: a file in, a validated, fully resolved, immutable {@link Workflow} out.
 * Every problem of the file is collected and reported at once ({@link DslException#diagnostics()});
 * a file with an error never yields a Workflow. Thread-safe: each call compiles in its own class loader.
 */
public final class WorkflowLoader {
    private WorkflowLoader() {}

    /**
     * Loads a workflow file: it must hold one {@code workflow('name') { … }} block (and may hold a
     * {@code policy { … }} block). Relative workdirs are resolved against the file's folder.
     *
     * @param profile the profile chosen with --profile; unknown names are an error naming the known ones
     */
    public static Workflow load(Path file, Optional<String> profile) throws DslException {
        return check(file, profile).orThrow();
    }

    /**
     * {@link #load} with site and user settings under the file's values (docs/settings.md): engine and grace enter
     * each step's checkpoint policy as its lowest layer; partition, account, QOS and modules are applied to the
     * resolved steps ({@link SettingsApplication#apply(Workflow, SiteSettings)}).
     */
    public static Workflow load(Path file, Optional<String> profile, SiteSettings settings) throws DslException {
        return check(file, profile, settings).orThrow();
    }

    /** Like {@link #load(Path, Optional, SiteSettings)} but never throws. */
    public static LoadResult check(Path file, Optional<String> profile, SiteSettings settings) {
        return applied(read(file, DslCompiler.Mode.WORKFLOW, profile, settings), settings);
    }

    /** Like {@link #checkAny(Path, Optional)} with the settings under the file's values. */
    public static LoadResult checkAny(Path file, Optional<String> profile, SiteSettings settings) {
        return applied(read(file, DslCompiler.Mode.ANY, profile, settings), settings);
    }

    /** {@link #loadPolicy} with the settings under each rule's checkpoint block (engine, grace). */
    public static Workflow loadPolicy(Path file, SiteSettings settings) throws DslException {
        return read(file, DslCompiler.Mode.POLICY, Optional.empty(), settings).orThrow();
    }

    private static LoadResult applied(LoadResult r, SiteSettings settings) {
        return new LoadResult(r.workflow().map(w -> SettingsApplication.apply(w, settings)), r.diagnostics());
    }

    /**
     * Loads the policy of a file for the Nextflow and Snakemake bridges: a file holding only
     * {@code policy { match('glob') { … } }}, or a workflow file with a policy block. The returned
     * Workflow's {@link Workflow#policy()} holds the rules (its steps are empty for a policy-only file;
     * its name is then the file name without extension).
     */
    public static Workflow loadPolicy(Path file) throws DslException {
        return checkPolicy(file).orThrow();
    }

    /** Parses text as if it were the file {@code baseDir/fileName}: for tests and embedders. */
    public static Workflow parse(String text, String fileName, Path baseDir, Optional<String> profile)
            throws DslException {
        return checkText(text, fileName, baseDir, profile).orThrow();
    }

    /** Like {@link #load} but never throws: the workflow (when valid) and every diagnostic, warnings included. */
    public static LoadResult check(Path file, Optional<String> profile) {
        return read(file, DslCompiler.Mode.WORKFLOW, profile);
    }

    /**
     * For {@code crflow check} and {@code crflow show}: a workflow file or a policy-only file, whichever
     * this one is. Never throws.
     */
    public static LoadResult checkAny(Path file, Optional<String> profile) {
        return read(file, DslCompiler.Mode.ANY, profile);
    }

    /** Like {@link #loadPolicy} but never throws. */
    public static LoadResult checkPolicy(Path file) {
        return read(file, DslCompiler.Mode.POLICY, Optional.empty());
    }

    /** Like {@link #parse} but never throws. */
    public static LoadResult checkText(String text, String fileName, Path baseDir, Optional<String> profile) {
        return DslCompiler.compile(text, fileName, baseDir.toAbsolutePath().normalize(), profile, DslCompiler.Mode.WORKFLOW);
    }

    /** Like {@link #checkText} for a policy file. */
    public static LoadResult checkPolicyText(String text, String fileName, Path baseDir) {
        return DslCompiler.compile(text, fileName, baseDir.toAbsolutePath().normalize(), Optional.empty(), DslCompiler.Mode.POLICY);
    }

    private static LoadResult read(Path file, DslCompiler.Mode mode, Optional<String> profile) {
        return read(file, mode, profile, SiteSettings.empty());
    }

    private static LoadResult read(Path file, DslCompiler.Mode mode, Optional<String> profile, SiteSettings settings) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return failure(file, "no such file");
        } catch (IOException e) {
            return failure(file, "cannot read the file: " + e.getMessage());
        }
        Path absolute = file.toAbsolutePath().normalize();
        Path baseDir = absolute.getParent() == null ? absolute.getRoot() : absolute.getParent();
        return DslCompiler.compile(text, file.toString(), baseDir, absolute.getFileName().toString(), profile, mode, settings);
    }

    private static LoadResult failure(Path file, String message) {
        return new LoadResult(Optional.empty(), List.of(new Diagnostic(file.toString(), 0, Severity.ERROR, message)));
    }
}
