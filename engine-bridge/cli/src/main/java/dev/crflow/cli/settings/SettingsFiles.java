package dev.crflow.cli.settings;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.dsl.settings.SettingsApplication;
import dev.crflow.dsl.settings.SettingsException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The crflow command's door to the site and user settings: the shared core ({@link dev.crflow.dsl.settings.SettingsFiles},
 * {@link SettingsApplication}, the same for the Nextflow plugin and the Snakemake bridge), with a broken file turned
 * into the command's exit 2 and its located messages.
 */
public final class SettingsFiles {
    public static final Path SITE_DEFAULT = dev.crflow.dsl.settings.SettingsFiles.SITE_DEFAULT;

    private SettingsFiles() {}

    public static List<Path> locate(Map<String, String> env) { return dev.crflow.dsl.settings.SettingsFiles.locate(env); }

    /** Site under user, from the process environment. */
    public static SiteSettings load() {
        return load(System.getenv());
    }

    /** @throws CrflowException exit 2: a named file is missing, or a file has an error */
    public static SiteSettings load(Map<String, String> env) {
        try {
            return dev.crflow.dsl.settings.SettingsFiles.load(env);
        } catch (SettingsException e) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, e.getMessage());
        }
    }

    /** {@link SettingsApplication#apply(Workflow, SiteSettings)}: partition, account, QOS and modules on resolved steps. */
    public static Workflow apply(Workflow wf, SiteSettings s) { return SettingsApplication.apply(wf, s); }

    /** The control root with $HOME / ${HOME} and $USER / ${USER} expanded. */
    public static Optional<Path> controlRoot(SiteSettings s, Map<String, String> env) {
        return dev.crflow.dsl.settings.SettingsFiles.controlRoot(s, env);
    }

    /** For {@code crflow show}: one line per value set, with the file and line it came from. */
    public static String describe(SiteSettings s) { return dev.crflow.dsl.settings.SettingsFiles.describe(s); }
}
