package dev.crflow.cli;

import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.dsl.settings.SettingsFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code crflow show}: which effective values of each step the site/user settings supplied, each with the file and
 * line it came from, then the settings in effect. A value is the settings' when the file alone resolves it otherwise
 * (the file loaded without settings); when the file alone does not load (e.g. an interval whose engine only the
 * settings give), a value equal to the setting is shown as the setting's.
 */
final class SettingsView {
    private SettingsView() {}

    static String render(Workflow effective, SiteSettings s, Supplier<Optional<Workflow>> withoutSettings) {
        if (s.isEmpty()) return "";
        Optional<Workflow> plain = withoutSettings.get();
        StringBuilder b = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (Step st : effective.steps()) {
            Optional<Step> own = plain.flatMap(p -> p.step(st.name()));
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
