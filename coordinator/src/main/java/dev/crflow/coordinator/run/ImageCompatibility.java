package dev.crflow.coordinator.run;

import dev.crflow.coordinator.store.Manifest;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether this attempt's engine can restore a generation, from what its manifest records (engine, version): a
 * generation written by another engine, or by another major release of DMTCP or CRIU (their image formats change
 * between majors: DMTCP 4.x cannot read 3.x images), is refused in one line naming both, so the planner falls back
 * to an older generation the engine can read, or the coordinator stops with {@link ExitCodes#ENVIRONMENT}: never a
 * restart that crashes and burns the restart budget attempt after attempt.
 */
record ImageCompatibility(String engine, String version) {
    private static final Pattern MAJOR = Pattern.compile("(\\d+)\\.");

    Optional<String> problem(Manifest m) {
        String theirs = m.engine() == null ? "" : m.engine().toLowerCase(Locale.ROOT);
        String ours = engine.toLowerCase(Locale.ROOT);
        if (!theirs.equals(ours)) {
            return Optional.of("written by engine '" + theirs + "' " + m.engineVersion() + "; this attempt runs engine '" + ours
                    + "' " + version + ", which cannot restore it");
        }
        if (!ours.equals("dmtcp") && !ours.equals("criu")) return Optional.empty(); // signal/none: files, no image format
        Optional<Integer> mine = major(version), written = major(m.engineVersion());
        if (mine.isPresent() && written.isPresent() && !mine.equals(written)) {
            String name = ours.equals("dmtcp") ? "DMTCP" : "CRIU";
            return Optional.of(name + " " + version + " cannot restore an image written by " + name + " " + m.engineVersion()
                    + " (image formats differ between major releases)");
        }
        return Optional.empty();
    }

    static Optional<Integer> major(String version) {
        if (version == null) return Optional.empty();
        Matcher matcher = MAJOR.matcher(version);
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }
}
