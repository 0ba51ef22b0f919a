package dev.crflow.coordinator.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Incremental chains in the store: a generation that reads through a parent ({@link Manifest#parent}) is only as good
 * as its parent, and a kept generation keeps everything it reads through ({@link ImageStore#prune}).
 */
final class Chains {
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
            Optional<Integer> parent = ok ? ImageStore.readManifest(g.path()).flatMap(Manifest::parent) : Optional.empty();
            if (parent.isPresent() && !(parent.get() < g.number() && valid.getOrDefault(parent.get(), false))) ok = false;
            valid.put(g.number(), ok);
            out.add(ok == g.valid() ? g : new Generation(g.number(), g.path(), false, g.bytes(), g.created()));
        }
        return out;
    }

    /** The generations {@code g} reads through, nearest parent first; stops at a missing one (or a loop). */
    static List<Integer> ancestors(ImageStore store, Generation g) throws IOException {
        List<Integer> out = new ArrayList<>();
        Optional<Integer> parent = ImageStore.readManifest(g.path()).flatMap(Manifest::parent);
        while (parent.isPresent() && !out.contains(parent.get())) {
            out.add(parent.get());
            Optional<Generation> p = store.get(parent.get());
            parent = p.isEmpty() ? Optional.empty() : ImageStore.readManifest(p.get().path()).flatMap(Manifest::parent);
        }
        return out;
    }
}
