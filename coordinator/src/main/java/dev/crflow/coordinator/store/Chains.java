package dev.crflow.coordinator.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crflow.coordinator.spec.SpecReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Incremental dumps (CRIU {@code --prev-images-dir}) read the plain files of a parent generation: such generations
 * stay plain. This is the one place that knows how a manifest names its parent ({@code "parent"}: a generation number,
 * or a name ending in one, e.g. {@code "gen-000003"}); it reads the raw manifest so it needs no field of {@link Manifest}.
 */
public final class Chains {
    private static final Pattern TRAILING_NUMBER = Pattern.compile("(\\d+)/?$");
    static final String PARENT_FIELD = "parent";

    private Chains() {}

    /** The generation {@code genDir}'s manifest names as its parent; empty when none (or unreadable). */
    public static Optional<Integer> parentOf(Path genDir) {
        try {
            JsonNode n = SpecReader.mapper().readTree(genDir.resolve(Manifest.FILE_NAME).toFile()).get(PARENT_FIELD);
            if (n == null || n.isNull()) return Optional.empty();
            if (n.isIntegralNumber()) return Optional.of(n.asInt());
            Matcher m = TRAILING_NUMBER.matcher(n.asText().trim());
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * CRIU can dump incrementally against the newest generation ({@code --prev-images-dir}) before any manifest names a
     * parent: its newest generation stays plain until a newer one is committed.
     */
    private static boolean incrementalEngine(Generation g) {
        return ImageStore.readManifest(g.path()).map(m -> "criu".equals(m.engine())).orElse(false);
    }

    /**
     * Why {@code g} must stay in plain files, if it must: it has a parent, a generation names it as parent, or it is the
     * newest one while the step's generations form chains (or were written by CRIU): the parent of the next incremental dump.
     */
    public static Optional<String> mustStayPlain(Generation g, List<Generation> all) {
        Optional<Integer> parent = parentOf(g.path());
        if (parent.isPresent()) return Optional.of("part of an incremental chain (its parent is generation " + parent.get() + ")");
        boolean chains = false;
        for (Generation other : all) {
            Optional<Integer> p = other.number() == g.number() ? Optional.empty() : parentOf(other.path());
            if (p.isPresent() && p.get() == g.number()) {
                return Optional.of("parent of generation " + other.number() + " in an incremental chain");
            }
            chains |= p.isPresent();
        }
        int newest = all.stream().mapToInt(Generation::number).max().orElse(g.number());
        if (g.number() == newest && (chains || incrementalEngine(g))) {
            return Optional.of("the newest generation of a step that may checkpoint incrementally (the next dump's parent)");
        }
        return Optional.empty();
    }
}
