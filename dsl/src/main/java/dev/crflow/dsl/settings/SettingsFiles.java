package dev.crflow.dsl.settings;

import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.SettingsLoader;
import dev.crflow.dsl.model.SiteSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The site and user settings files, found and read the same way by every front end (the crflow CLI and runner, the
 * Nextflow plugin, the Snakemake bridge). Order, lowest first (docs/settings.md):
 * <ol>
 * <li>the site file: {@code $CRFLOW_SITE_SETTINGS}, else {@code /etc/crflow/settings.groovy};</li>
 * <li>the user file: {@code $CRFLOW_USER_SETTINGS}, else {@code ${XDG_CONFIG_HOME:-$HOME/.config}/crflow/settings.groovy};</li>
 * <li>the workflow's own values (defaults, profile, step; a policy rule, {@code ext.checkpoint}, rule resources),
 * which always win ({@link SettingsApplication}).</li>
 * </ol>
 * A file named by a variable must exist; a default location may be absent. A file with an error is a
 * {@link SettingsException} carrying the DSL's FILE:LINE: messages; each front end stops on it its own way.
 */
public final class SettingsFiles {
    public static final Path SITE_DEFAULT = Path.of("/etc/crflow/settings.groovy");

    private SettingsFiles() {}

    /** The files that apply, lowest first, each only when it exists (or was named explicitly). */
    public static List<Path> locate(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        add(files, env.get("CRFLOW_SITE_SETTINGS"), SITE_DEFAULT);
        String xdg = env.get("XDG_CONFIG_HOME");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path userDefault = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config")).resolve("crflow/settings.groovy");
        add(files, env.get("CRFLOW_USER_SETTINGS"), userDefault);
        return files;
    }

    private static void add(List<Path> files, String named, Path fallback) {
        if (named != null && !named.isBlank()) files.add(Path.of(named));
        else if (Files.isRegularFile(fallback)) files.add(fallback);
    }

    /** Site under user, from the process environment. */
    public static SiteSettings load() {
        return load(System.getenv());
    }

    /** @throws SettingsException a named file is missing, or a file has an error */
    public static SiteSettings load(Map<String, String> env) {
        SiteSettings merged = SiteSettings.empty();
        for (Path f : locate(env)) {
            if (!Files.isRegularFile(f)) {
                throw new SettingsException("settings file " + f + " does not exist (named by CRFLOW_SITE_SETTINGS or CRFLOW_USER_SETTINGS)");
            }
            SettingsLoader.Result r = SettingsLoader.load(f);
            if (r.settings().isEmpty()) {
                StringBuilder b = new StringBuilder("settings file " + f + " is not valid:");
                for (Diagnostic d : r.errors()) b.append("\n  ").append(d.format());
                throw new SettingsException(b.toString());
            }
            merged = merged.under(r.settings().get());
        }
        return merged;
    }

    /** The control root with $HOME / ${HOME} and $USER / ${USER} expanded. */
    public static Optional<Path> controlRoot(SiteSettings s, Map<String, String> env) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        String user = env.getOrDefault("USER", System.getProperty("user.name"));
        return s.controlRoot().map(c -> Path.of(c.replace("${HOME}", home).replace("$HOME", home)
                .replace("${USER}", user).replace("$USER", user)));
    }

    /** For {@code crflow show}: one line per value set, with the file and line it came from. */
    public static String describe(SiteSettings s) {
        if (s.isEmpty()) return "";
        StringBuilder b = new StringBuilder("settings (site/user, under the workflow's own values):\n");
        line(b, s, "partition", s.partition());
        line(b, s, "account", s.account());
        line(b, s, "qos", s.qos());
        line(b, s, "engine", s.engine().map(e -> e.dslName()));
        line(b, s, "modules", s.modules().isEmpty() ? Optional.empty() : Optional.of(String.join(" ", s.modules())));
        line(b, s, "controlRoot", s.controlRoot());
        line(b, s, "grace", s.grace().map(g -> g.toSeconds() + "s"));
        line(b, s, "interruptionRate", s.interruptionRate().map(String::valueOf));
        return b.toString();
    }

    private static void line(StringBuilder b, SiteSettings s, String key, Optional<?> v) {
        v.ifPresent(x -> b.append(String.format("  %-17s %-24s (%s)%n", key, x, s.origin().getOrDefault(key, "?"))));
    }
}
