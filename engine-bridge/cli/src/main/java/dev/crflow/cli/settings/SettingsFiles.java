package dev.crflow.cli.settings;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.SettingsLoader;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The site and user settings files and how they sit under a workflow. Order, lowest first:
 * <ol>
 * <li>the site file: {@code $CRFLOW_SITE_SETTINGS}, else {@code /etc/crflow/settings.groovy};</li>
 * <li>the user file: {@code $CRFLOW_USER_SETTINGS}, else {@code ${XDG_CONFIG_HOME:-$HOME/.config}/crflow/settings.groovy};</li>
 * <li>the workflow's own values (defaults, profile, step), which always win.</li>
 * </ol>
 * A file named by a variable must exist; a default location may be absent. A file with an error stops the command
 * (exit 2) with the DSL's FILE:LINE: messages.
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

    public static SiteSettings load(Map<String, String> env) {
        SiteSettings merged = SiteSettings.empty();
        for (Path f : locate(env)) {
            if (!Files.isRegularFile(f)) {
                throw new CrflowException(ExitCodes.INVALID_INPUT, "settings file " + f + " does not exist (named by CRFLOW_SITE_SETTINGS or CRFLOW_USER_SETTINGS)");
            }
            SettingsLoader.Result r = SettingsLoader.load(f);
            if (r.settings().isEmpty()) {
                StringBuilder b = new StringBuilder("settings file " + f + " is not valid:");
                for (Diagnostic d : r.errors()) b.append("\n  ").append(d.format());
                throw new CrflowException(ExitCodes.INVALID_INPUT, b.toString());
            }
            merged = merged.under(r.settings().get());
        }
        return merged;
    }

    /**
     * The workflow with the settings under it: a step's partition, account and QOS come from the settings only when
     * the workflow leaves them unset; the settings' modules load first, before the step's own. The engine and grace
     * are not forced onto steps (a step without a checkpoint block stays without one): they are the defaults of
     * {@code crflow doctor} and shown by {@code crflow show}. The interruption rate goes to the steps with
     * {@code interval 'auto'}, as the prior of their coordinator's choice.
     */
    public static Workflow apply(Workflow wf, SiteSettings s) {
        if (s.isEmpty()) return wf;
        List<Step> steps = wf.steps().stream().map(st -> apply(st, s)).toList();
        return new Workflow(wf.name(), wf.sourceFile(), wf.baseDir(), wf.profile(), steps, wf.policy());
    }

    static Step apply(Step st, SiteSettings s) {
        Resources r = st.resources();
        Resources merged = new Resources(or(r.partition(), s.partition()), or(r.account(), s.account()), or(r.qos(), s.qos()),
                r.constraint(), r.time(), r.timeMin(), r.nodes(), r.ntasks(), r.cpusPerTask(), r.memMb());
        List<String> modules = new ArrayList<>();
        for (String m : s.modules()) if (!st.modules().contains(m)) modules.add(m);
        modules.addAll(st.modules());
        // the prior of interval 'auto' travels in the step's spec: the coordinator reads no settings file
        var checkpoint = st.checkpoint().autoInterval() && st.checkpoint().interruptionRate().isEmpty()
                ? st.checkpoint().withInterruptionRate(s.interruptionRate()) : st.checkpoint();
        return new Step(st.name(), st.after(), st.command(), st.workdir(), merged, st.env(), modules, st.sbatchExtra(),
                checkpoint, st.container(), st.retry(), st.declaredAt());
    }

    /** The control root with $HOME / ${HOME} and $USER / ${USER} expanded. */
    public static Optional<Path> controlRoot(SiteSettings s, Map<String, String> env) {
        return s.controlRoot().map(c -> Path.of(c
                .replace("${HOME}", env.getOrDefault("HOME", System.getProperty("user.home")))
                .replace("$HOME", env.getOrDefault("HOME", System.getProperty("user.home")))
                .replace("${USER}", env.getOrDefault("USER", System.getProperty("user.name")))
                .replace("$USER", env.getOrDefault("USER", System.getProperty("user.name")))));
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

    private static <T> Optional<T> or(Optional<T> a, Optional<T> b) {
        return a.isPresent() ? a : b;
    }
}
