package dev.crflow.coordinator.run;

import dev.crflow.coordinator.spec.StepSpec;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Packer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the generation an attempt restarts from: the requested one exactly (no fallback), else the newest one that
 * {@link ImageStore#verify verifies}, falling back to older ones. When generations exist and none verifies, the step
 * ends ({@link RestorePlan.Refused}) unless its policy says {@code fromScratch 'allow'} ({@link RestorePlan.StartOver}).
 * Reads the store, decides, writes nothing.
 */
final class RestorePlanner {
    private final ImageStore store;
    private final Optional<ImageCompatibility> compatibility;
    private final StepSpec.FromScratch fromScratch;

    RestorePlanner(ImageStore store) { this(store, Optional.empty()); }

    RestorePlanner(ImageStore store, Optional<ImageCompatibility> compatibility) {
        this(store, compatibility, StepSpec.FromScratch.REFUSE);
    }

    RestorePlanner(ImageStore store, Optional<ImageCompatibility> compatibility, StepSpec.FromScratch fromScratch) {
        this.store = store;
        this.compatibility = compatibility;
        this.fromScratch = fromScratch;
    }

    /** The plain files of a chosen generation for the engine ({@link Packer#unpack}). */
    Packer.Unpacked unpack(Generation g) throws IOException { return Packer.forRestore(store).unpack(g); }

    private Optional<String> incompatible(ImageStore.Verification v) {
        return compatibility.flatMap(c -> v.manifest().flatMap(c::problem));
    }

    /**
     * @param requested a generation asked for ({@code --generation N}, {@code requests/restore-generation})
     * @param unusable  generations that verified but whose restart failed in this attempt
     */
    RestorePlan plan(Optional<Integer> requested, Set<Integer> unusable) throws IOException {
        List<Generation> all = new ArrayList<>(store.list());
        all.removeIf(g -> unusable.contains(g.number()));
        if (requested.isPresent()) return planRequested(requested.get(), unusable, all);
        if (all.isEmpty()) {
            return unusable.isEmpty() ? new RestorePlan.Fresh()
                    : new RestorePlan.Refused("no other generation to fall back to", List.of());
        }
        List<RestorePlan.Rejected> rejected = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            ImageStore.Verification v = store.verify(all.get(i));
            Optional<String> cannot = v.ok() ? incompatible(v) : Optional.empty();
            if (cannot.isPresent()) {
                rejected.add(new RestorePlan.Rejected(v.generation().number(), cannot.get(), true));
                continue;
            }
            if (v.ok()) {
                Optional<Integer> from = rejected.isEmpty() ? Optional.empty()
                        : Optional.of(rejected.get(rejected.size() - 1).generation());
                return new RestorePlan.FromGeneration(v, from, List.copyOf(rejected));
            }
            rejected.add(new RestorePlan.Rejected(v.generation().number(), v.problem()));
        }
        boolean onlyIncompatible = rejected.stream().allMatch(RestorePlan.Rejected::incompatible);
        // only when every generation failed its checksums: an intact one this engine cannot read (the environment is
        // wrong) or one that verified but did not restart (unusable) is still work a later attempt can resume
        boolean noneVerified = unusable.isEmpty() && rejected.stream().noneMatch(RestorePlan.Rejected::incompatible);
        if (noneVerified && fromScratch == StepSpec.FromScratch.ALLOW) return new RestorePlan.StartOver(List.copyOf(rejected));
        return new RestorePlan.Refused(onlyIncompatible ? "no generation this engine can restore" : "no generation verifies",
                List.copyOf(rejected));
    }

    private RestorePlan planRequested(int n, Set<Integer> unusable, List<Generation> all) {
        if (unusable.contains(n)) return new RestorePlan.Refused("requested generation " + n + " does not restart", List.of());
        Optional<Generation> g = all.stream().filter(x -> x.number() == n).findFirst();
        if (g.isEmpty()) {
            String why = "requested generation " + n + " does not exist";
            return new RestorePlan.Refused(why, List.of(new RestorePlan.Rejected(n, why)));
        }
        ImageStore.Verification v = store.verify(g.get());
        if (!v.ok()) {
            String why = "requested generation " + n + " fails verification: " + v.problem();
            return new RestorePlan.Refused(why, List.of(new RestorePlan.Rejected(n, why)));
        }
        Optional<String> cannot = incompatible(v);
        if (cannot.isPresent()) {
            String why = "requested generation " + n + " cannot be restored: " + cannot.get();
            return new RestorePlan.Refused(why, List.of(new RestorePlan.Rejected(n, why, true)));
        }
        return new RestorePlan.FromGeneration(v, Optional.empty(), List.of());
    }
}
