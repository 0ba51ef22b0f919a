package dev.crflow.dsl.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A site's or a user's crflow settings ({@code settings { … }} in /etc/crflow/settings.groovy or
 * ~/.config/crflow/settings.groovy), or several merged. Every value is optional; {@code origin} says, per keyword
 * set, which file and line it came from ("FILE:LINE"), for {@code crflow show}.
 *
 * @param modules          environment modules (e.g. the one that provides DMTCP) loaded before every step
 * @param controlRoot      where {@code crflow doctor} (and bridges) put control directories: shared storage
 * @param grace            how long a checkpoint needs before the time limit (the warning lead to ask for)
 * @param interruptionRate prior chance that an attempt ends early (preemption, node loss), in [0, 1)
 */
public record SiteSettings(Optional<String> partition, Optional<String> account, Optional<String> qos,
                           Optional<Engine> engine, List<String> modules, Optional<String> controlRoot,
                           Optional<Duration> grace, Optional<Double> interruptionRate, Map<String, String> origin) {
    public SiteSettings {
        modules = List.copyOf(modules);
        origin = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(origin));
    }

    public static SiteSettings empty() {
        return new SiteSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    public boolean isEmpty() {
        return origin.isEmpty();
    }

    /**
     * {@code higher} over this: each value set in {@code higher} wins; modules add up (this file's first), so a user
     * file can load one more module than the site's.
     */
    public SiteSettings under(SiteSettings higher) {
        List<String> mods = new ArrayList<>(modules);
        for (String m : higher.modules) if (!mods.contains(m)) mods.add(m);
        Map<String, String> o = new LinkedHashMap<>(origin);
        higher.origin.forEach((k, v) -> o.merge(k, v, (a, b) -> k.equals("modules") ? a + ", " + b : b));
        return new SiteSettings(or(higher.partition, partition), or(higher.account, account), or(higher.qos, qos),
                or(higher.engine, engine), mods, or(higher.controlRoot, controlRoot), or(higher.grace, grace),
                or(higher.interruptionRate, interruptionRate), o);
    }

    private static <T> Optional<T> or(Optional<T> a, Optional<T> b) {
        return a.isPresent() ? a : b;
    }
}
