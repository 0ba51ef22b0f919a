package dev.crflow.coordinator.run;

import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.util.List;
import java.util.Optional;

/** Where an attempt starts from, as {@link RestorePlanner} decided it. */
sealed interface RestorePlan {

    /** Generations looked at and not used, newest first, each with why (journalled as {@code restore ok:false}). */
    List<Rejected> rejected();

    /** @param incompatible the generation verified, but this attempt's engine cannot restore it ({@link ImageCompatibility}) */
    record Rejected(int generation, String problem, boolean incompatible) {
        Rejected(int generation, String problem) { this(generation, problem, false); }
    }

    /** No generation exists (a first attempt, or an engine that cannot checkpoint): launch from scratch. */
    record Fresh() implements RestorePlan {
        public List<Rejected> rejected() { return List.of(); }
    }

    /**
     * Generations exist but none verifies, and the policy says {@code fromScratch 'allow'}: the step's whole state is in
     * its declared state files, so it starts over from their pre-launch state (the engine's baseline) instead of ending.
     */
    record StartOver(List<Rejected> rejected) implements RestorePlan {
        /** What the log and the journal say: which generations failed and why, and what happens instead. */
        String message() {
            return "no generation verifies (" + String.join("; ", rejected.stream().map(r -> "generation " + r.generation()
                    + ": " + r.problem()).toList()) + "); " + START_OVER;
        }
    }

    /** The words of every start over ({@link StartOver}, and a failed first stop checkpoint: {@link Ending}). */
    String START_OVER = "fromScratch 'allow': starting over from the pre-launch state of the declared state files";

    /**
     * Restart from a generation whose every checksum verified.
     *
     * @param fallbackFrom the newer generation that failed verification, when this one is a fallback
     */
    record FromGeneration(ImageStore.Verification verified, Optional<Integer> fallbackFrom, List<Rejected> rejected)
            implements RestorePlan {
        public Generation generation() { return verified.generation(); }

        public Manifest manifest() { return verified.manifest().orElseThrow(); }
    }

    /** Generations exist but none can be used (or the requested one cannot): never start over checkpointed work. */
    record Refused(String reason, List<Rejected> rejected) implements RestorePlan {
        /** Every generation verified but none can be restored by this engine: the environment, not the images, is wrong. */
        boolean onlyIncompatible() { return !rejected.isEmpty() && rejected.stream().allMatch(Rejected::incompatible); }
    }
}
