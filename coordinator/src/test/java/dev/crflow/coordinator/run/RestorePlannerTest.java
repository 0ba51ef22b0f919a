package dev.crflow.coordinator.run;

import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestorePlannerTest {
    @TempDir Path ctl;

    Generation commit(ImageStore store, String content) throws Exception {
        return commitBy(store, "signal", "n/a", content);
    }

    /** Same size, other bytes: passes the cheap check, fails the checksum. */
    static void corrupt(Generation g) throws Exception {
        Path f = g.path().resolve("state/s");
        byte[] b = Files.readAllBytes(f);
        b[0] ^= 0x40;
        Files.write(f, b, StandardOpenOption.TRUNCATE_EXISTING);
    }

    RestorePlan plan(Optional<Integer> requested, Set<Integer> unusable) throws Exception {
        return new RestorePlanner(ImageStore.open(ctl)).plan(requested, unusable);
    }

    @Test
    void noGenerationsMeansFromScratch() throws Exception {
        assertEquals(new RestorePlan.Fresh(), plan(Optional.empty(), Set.of()));
    }

    @Test
    void theNewestVerifiedGenerationIsChosen() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commit(store, "one");
        commit(store, "two");
        RestorePlan.FromGeneration p = assertInstanceOf(RestorePlan.FromGeneration.class, plan(Optional.empty(), Set.of()));
        assertEquals(2, p.generation().number());
        assertEquals(Optional.empty(), p.fallbackFrom());
        assertEquals(List.of(), p.rejected());
        assertEquals(2, p.manifest().generation());
    }

    @Test
    void aCorruptNewestGenerationFallsBackToTheOneBeforeAndSaysWhy() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commit(store, "one");
        commit(store, "two");
        corrupt(commit(store, "three"));
        RestorePlan.FromGeneration p = assertInstanceOf(RestorePlan.FromGeneration.class, plan(Optional.empty(), Set.of()));
        assertEquals(2, p.generation().number());
        assertEquals(Optional.of(3), p.fallbackFrom());
        assertEquals(1, p.rejected().size());
        assertEquals(3, p.rejected().get(0).generation());
        assertTrue(p.rejected().get(0).problem().contains("checksum"), p.rejected().get(0).problem());
    }

    @Test
    void generationsThatExistButNoneVerifiesAreRefusedNeverStartedOver() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        corrupt(commit(store, "one"));
        corrupt(commit(store, "two"));
        RestorePlan.Refused r = assertInstanceOf(RestorePlan.Refused.class, plan(Optional.empty(), Set.of()));
        assertEquals(List.of(2, 1), r.rejected().stream().map(RestorePlan.Rejected::generation).toList());
    }

    @Test
    void generationsWhoseRestartFailedAreSkippedAndWhenNoneIsLeftRefused() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commit(store, "one");
        commit(store, "two");
        RestorePlan.FromGeneration p = assertInstanceOf(RestorePlan.FromGeneration.class, plan(Optional.empty(), Set.of(2)));
        assertEquals(1, p.generation().number());
        assertInstanceOf(RestorePlan.Refused.class, plan(Optional.empty(), Set.of(1, 2)));
    }

    @Test
    void aRequestedGenerationIsTakenExactlyOrRefusedWithoutFallback() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commit(store, "one");
        corrupt(commit(store, "two"));
        commit(store, "three");
        RestorePlan.FromGeneration p = assertInstanceOf(RestorePlan.FromGeneration.class, plan(Optional.of(1), Set.of()));
        assertEquals(1, p.generation().number());

        RestorePlan.Refused corrupt = assertInstanceOf(RestorePlan.Refused.class, plan(Optional.of(2), Set.of()));
        assertTrue(corrupt.reason().startsWith("requested generation 2 fails verification: "), corrupt.reason());
        assertEquals(List.of(2), corrupt.rejected().stream().map(RestorePlan.Rejected::generation).toList());

        RestorePlan.Refused missing = assertInstanceOf(RestorePlan.Refused.class, plan(Optional.of(9), Set.of()));
        assertEquals("requested generation 9 does not exist", missing.reason());

        RestorePlan.Refused failed = assertInstanceOf(RestorePlan.Refused.class, plan(Optional.of(1), Set.of(1)));
        assertEquals(List.of(), failed.rejected(), "its restart failure is journalled by the restart, not again here");
    }

    Generation commitBy(ImageStore store, String engine, String version, String content) throws Exception {
        Path src = ctl.resolve("src-" + content);
        Files.writeString(src, content);
        ImageStore.Pending p = store.begin("test");
        p.copyIn(src, "state/s");
        return p.commit(new ImageStore.Provenance(engine, version, "host", "1", 1, "signal", 1, Map.of()));
    }

    @Test
    void aGenerationAnotherMajorReleaseWroteIsSkippedForAnOlderOneThisEngineCanRead() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commitBy(store, "dmtcp", "4.2.0", "one");
        commitBy(store, "dmtcp", "3.2.0", "two");
        RestorePlan.FromGeneration p = assertInstanceOf(RestorePlan.FromGeneration.class,
                new RestorePlanner(store, Optional.of(new ImageCompatibility("dmtcp", "4.2.0"))).plan(Optional.empty(), Set.of()));
        assertEquals(1, p.generation().number());
        assertEquals("DMTCP 4.2.0 cannot restore an image written by DMTCP 3.2.0 (image formats differ between major releases)",
                p.rejected().get(0).problem());
        assertTrue(p.rejected().get(0).incompatible());
    }

    @Test
    void whenNoGenerationCanBeReadByThisEngineTheRefusalSaysItIsTheEnvironment() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commitBy(store, "criu", "3.17.1", "one");
        commitBy(store, "signal", "n/a", "two");
        RestorePlan.Refused r = assertInstanceOf(RestorePlan.Refused.class,
                new RestorePlanner(store, Optional.of(new ImageCompatibility("criu", "4.2.1"))).plan(Optional.empty(), Set.of()));
        assertTrue(r.onlyIncompatible());
        assertEquals("no generation this engine can restore", r.reason());
        assertEquals("written by engine 'signal' n/a; this attempt runs engine 'criu' 4.2.1, which cannot restore it",
                r.rejected().get(0).problem());
        assertTrue(r.rejected().get(1).problem().startsWith("CRIU 4.2.1 cannot restore an image written by CRIU 3.17.1"));
        assertEquals(System.getProperty("os.version"), store.list().stream().findFirst()
                .flatMap(g -> ImageStore.readManifest(g.path())).orElseThrow().kernelRelease(), "the manifest records the kernel");
    }

    @Test
    void theSameMajorReleaseIsCompatible() {
        assertEquals(Optional.of(5), ImageCompatibility.major("5.0-dev"));
        assertEquals(Optional.of(4), ImageCompatibility.major("4.2.1"));
        assertEquals(Optional.empty(), ImageCompatibility.major("n/a"));
    }

    RestorePlan allowing(Optional<Integer> requested, Set<Integer> unusable, Optional<ImageCompatibility> compatibility) throws Exception {
        return new RestorePlanner(ImageStore.open(ctl), compatibility, dev.crflow.coordinator.spec.StepSpec.FromScratch.ALLOW)
                .plan(requested, unusable);
    }

    @Test
    void withFromScratchAllowGenerationsThatAllFailVerificationStartOverAndSayWhichAndWhy() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        corrupt(commit(store, "one"));
        corrupt(commit(store, "two"));
        RestorePlan.StartOver over = assertInstanceOf(RestorePlan.StartOver.class, allowing(Optional.empty(), Set.of(), Optional.empty()));
        assertEquals(List.of(2, 1), over.rejected().stream().map(RestorePlan.Rejected::generation).toList());
        assertTrue(over.message().startsWith("no generation verifies (generation 2: "), over.message());
        assertTrue(over.message().contains("; generation 1: "), over.message());
        assertTrue(over.message().endsWith("); fromScratch 'allow': starting over from the pre-launch state of the declared state files"),
                over.message());
        assertInstanceOf(RestorePlan.Refused.class, plan(Optional.empty(), Set.of()), "the default still refuses");
    }

    @Test
    void withFromScratchAllowAVerifiedGenerationIsStillRestoredAndARequestedOneNeverStartsOver() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commit(store, "one");
        corrupt(commit(store, "two"));
        assertEquals(1, assertInstanceOf(RestorePlan.FromGeneration.class, allowing(Optional.empty(), Set.of(), Optional.empty()))
                .generation().number());
        assertInstanceOf(RestorePlan.Refused.class, allowing(Optional.of(2), Set.of(), Optional.empty()), "--generation 2: exactly that one");
        // generation 1 verified but its restart failed: not "none verifies", a later attempt may restore it
        assertInstanceOf(RestorePlan.Refused.class, allowing(Optional.empty(), Set.of(1), Optional.empty()));
    }

    @Test
    void withFromScratchAllowIntactGenerationsThisEngineCannotReadAreStillRefused() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commitBy(store, "criu", "3.17.1", "one");
        RestorePlan.Refused env = assertInstanceOf(RestorePlan.Refused.class,
                allowing(Optional.empty(), Set.of(), Optional.of(new ImageCompatibility("criu", "4.2.1"))));
        assertTrue(env.onlyIncompatible());
        corrupt(commitBy(store, "criu", "4.2.1", "two"));
        // one corrupt, one intact but for another release: the intact one is work the right engine can resume
        RestorePlan.Refused mixed = assertInstanceOf(RestorePlan.Refused.class,
                allowing(Optional.empty(), Set.of(), Optional.of(new ImageCompatibility("criu", "4.2.1"))));
        assertEquals(List.of(2, 1), mixed.rejected().stream().map(RestorePlan.Rejected::generation).toList());
    }
}
