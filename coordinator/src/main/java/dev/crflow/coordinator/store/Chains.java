package dev.crflow.coordinator.store;


import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Incremental chains in the store, in one place. A generation that reads through a parent ({@link Manifest#parent}) is
 * only as good as its parent, and a kept generation keeps everything it reads through ({@link ImageStore#prune}).
 * Generations written for a chain ({@link Manifest#partOfChain}: CRIU reads a parent's {@code pages-*.img} directly)
 * stay in plain files: compression and dedup ({@link Packer}) ask {@link #mustStayPlain} first.
 */
public final class Chains {
    private Chains() {}

    /**
     * {@code sorted} (oldest first) with every generation whose parent is missing, not older, or invalid marked invalid;
     * oldest first, so it carries down a chain.
     */
    static List<Generation> checked(List<Generation> sorted) {
        Map<Integer, Boolean> valid = new HashMap<>();
        List<Generation> out = new ArrayList<>(sorted.size());
        for (Generation g : sorted) {
            boolean ok = g.valid();
            Optional<Integer> parent = ok ? parentOf(g.path()) : Optional.empty();
            if (parent.isPresent() && !(parent.get() < g.number() && valid.getOrDefault(parent.get(), false))) ok = false;
            valid.put(g.number(), ok);
            out.add(ok == g.valid() ? g : new Generation(g.number(), g.path(), false, g.bytes(), g.created()));
        }
        return out;
    }

    /** The generations {@code g} reads through, nearest parent first; stops at a missing one (or a loop). */
    static List<Integer> ancestors(ImageStore store, Generation g) throws IOException {
        List<Integer> out = new ArrayList<>();
        Optional<Integer> parent = parentOf(g.path());
        while (parent.isPresent() && !out.contains(parent.get())) {
            out.add(parent.get());
            Optional<Generation> p = store.get(parent.get());
            parent = p.isEmpty() ? Optional.empty() : parentOf(p.get().path());
        }
        return out;
    }

    /** The generation {@code genDir}'s manifest names as its parent; empty when none (or unreadable). */
    public static Optional<Integer> parentOf(Path genDir) {
        return ImageStore.readManifest(genDir).flatMap(Manifest::parent);
    }

    /**
     * Why {@code g} must stay in plain files, if it must: it was written for an incremental chain (it may be, or become,
     * a parent), it has a parent, or a generation names it as parent.
     */
    public static Optional<String> mustStayPlain(Generation g, List<Generation> all) {
        Optional<Integer> parent = parentOf(g.path());
        if (parent.isPresent()) return Optional.of("part of an incremental chain (its parent is generation " + parent.get() + ")");
        for (Generation other : all) {
            Optional<Integer> p = other.number() == g.number() ? Optional.empty() : parentOf(other.path());
            if (p.isPresent() && p.get() == g.number()) {
                return Optional.of("parent of generation " + other.number() + " in an incremental chain");
            }
        }
        if (ImageStore.readManifest(g.path()).map(Manifest::partOfChain).orElse(false)) {
            return Optional.of("written for an incremental chain (incremental on): CRIU reads its pages as they are");
        }
        return Optional.empty();
    }
}
