package dev.crflow.cli;

import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.dsl.settings.SettingsFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code crflow show}: which effective values of each step the site/user settings supplied, each with the file and
 * line it came from, then the settings in effect. A value is the settings' when changing the setting changes it: the
 * file is loaded once more with every setting changed ({@link #perturbed}); where that load fails, a value equal to
 * the setting is shown as the setting's.
 */
final class SettingsView {
    private SettingsView() {}

    /** @param loadWith the file loaded with other settings (empty when it does not load) */
    static String render(Workflow effective, SiteSettings s, Function<SiteSettings, Optional<Workflow>> loadWith) {
        if (s.isEmpty()) return "";
        Optional<Workflow> other = loadWith.apply(perturbed(s));
        StringBuilder b = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (Step st : effective.steps()) {
            Optional<Step> own = other.flatMap(p -> p.step(st.name()));
            List<String> from = new ArrayList<>();
            Resources r = st.resources();
            check(from, s, "partition", r.partition(), s.partition(), own.map(o -> o.resources().partition()));
            check(from, s, "account", r.account(), s.account(), own.map(o -> o.resources().account()));
            check(from, s, "qos", r.qos(), s.qos(), own.map(o -> o.resources().qos()));
            check(from, s, "engine", Optional.of(st.checkpoint().engine()), s.engine(), own.map(o -> Optional.of(o.checkpoint().engine())));
            check(from, s, "grace", Optional.of(st.checkpoint().lead()), s.grace(), own.map(o -> Optional.of(o.checkpoint().lead())),
                    "lead");
            List<String> mods = s.modules().stream().filter(m -> st.modules().contains(m)
                    && own.map(o -> !o.modules().contains(m)).orElse(true)).toList();
            if (!mods.isEmpty()) from.add("modules " + String.join(" ", mods) + " (" + s.origin().getOrDefault("modules", "?") + ")");
            if (!from.isEmpty()) lines.add(String.format("  %-16s %s", st.name(), String.join("; ", from)));
        }
        if (!lines.isEmpty()) {
            b.append("\nfrom the settings (each step's values that the workflow leaves to them):\n");
            lines.forEach(l -> b.append(l).append('\n'));
        }
        return b.append('\n').append(SettingsFiles.describe(s)).toString();
    }

    /** Every setting changed (another engine, one second more grace, other names, no modules): what moves is theirs. */
    static SiteSettings perturbed(SiteSettings s) {
        return new SiteSettings(s.partition().map(p -> p + "~"), s.account().map(a -> a + "~"), s.qos().map(q -> q + "~"),
                s.engine().map(e -> e == Engine.DMTCP ? Engine.CRIU : Engine.DMTCP), List.of(), s.controlRoot(),
                s.grace().map(g -> g.plusSeconds(1)), s.interruptionRate(), s.origin());
    }

    private static void check(List<String> from, SiteSettings s, String key, Optional<?> effective, Optional<?> setting,
                              Optional<Optional<?>> own) {
        check(from, s, key, effective, setting, own, key);
    }

    private static void check(List<String> from, SiteSettings s, String key, Optional<?> effective, Optional<?> setting,
                              Optional<Optional<?>> own, String label) {
        if (setting.isEmpty() || !Objects.equals(effective, setting)) return;
        boolean fromSettings = own.map(o -> !Objects.equals(o, effective)).orElse(true);
        if (fromSettings) from.add(label + " " + show(effective.get()) + " (" + s.origin().getOrDefault(key, "?") + ")");
    }

    private static String show(Object v) {
        if (v instanceof java.time.Duration d) return d.toSeconds() + "s";
        if (v instanceof dev.crflow.dsl.model.Engine e) return e.dslName();
        return String.valueOf(v);
    }
}
