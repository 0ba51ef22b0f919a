package dev.crflow.coordinator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Incremental chains in the store: a generation is as good as its parent, and keep never prunes a needed parent. */
class ImageStoreChainTest {
    @TempDir Path ctl;

    /** A generation with one file; {@code parent} empty: a full one that may become a parent; null: not incremental at all. */
    Generation commit(ImageStore store, Optional<Integer> parent) throws Exception {
        Path src = Files.createTempFile(ctl, "src", "");
        Files.writeString(src, "pages " + System.nanoTime());
        ImageStore.Pending p = store.begin("test");
        p.copyIn(src, "criu/pages-1.img");
        if (parent != null) p.chain(parent);
        return p.commit(ImageStoreTest.who());
    }

    Generation full(ImageStore s) throws Exception { return commit(s, Optional.empty()); }

    Generation child(ImageStore s, Generation parent) throws Exception { return commit(s, Optional.of(parent.number())); }

    static List<Integer> numbers(ImageStore s) throws Exception { return s.list().stream().map(Generation::number).toList(); }

    @Test
    void theManifestRecordsTheParentAndTheOneChainTest() throws Exception {
        ImageStore s = ImageStore.open(ctl);
        Generation plain = commit(s, null);
        Generation base = full(s);
        Generation inc = child(s, base);
        assertEquals(Optional.empty(), ImageStore.readManifest(base.path()).orElseThrow().parent());
        assertEquals(Optional.of(2), ImageStore.readManifest(inc.path()).orElseThrow().parent());
        assertFalse(s.partOfChain(plain));
        assertTrue(s.partOfChain(base), "a full generation written for incremental checkpoints may become a parent");
        assertTrue(s.partOfChain(inc));
        assertEquals(List.of(2), s.ancestors(inc));
        assertEquals(List.of(), s.ancestors(base));
    }

    @Test
    void aManifestWithoutTheChainFieldsReadsAsASelfContainedGeneration() throws Exception {
        ImageStore s = ImageStore.open(ctl);
        Generation g = commit(s, null);
        Path mf = g.path().resolve(Manifest.FILE_NAME);
        String old = Files.readString(mf).replaceAll(",\\s*\"parent\"\\s*:\\s*(null|\\d+)", "").replaceAll(",\\s*\"incremental\"\\s*:\\s*\\w+", "");
        assertFalse(old.contains("\"parent\"") || old.contains("\"incremental\""), old);
        Files.writeString(mf, old, StandardOpenOption.TRUNCATE_EXISTING);
        Manifest m = ImageStore.readManifest(g.path()).orElseThrow();
        assertEquals(Optional.empty(), m.parent());
        assertFalse(m.partOfChain());
        assertTrue(s.verify(g).ok());
    }

    @Test
    void aGenerationWhoseParentIsCorruptOrMissingIsInvalidAndSoIsItsChain() throws Exception {
        ImageStore s = ImageStore.open(ctl);
        Generation g1 = full(s);
        Generation g2 = full(s);
        Generation g3 = child(s, g2);
        Generation g4 = child(s, g3);
        assertTrue(s.verify(g4).ok());
        Path pages = g2.path().resolve("criu/pages-1.img");
        byte[] b = Files.readAllBytes(pages);
        b[0] ^= 1;
        Files.write(pages, b, StandardOpenOption.TRUNCATE_EXISTING);
        assertTrue(s.invalidBecause(4).orElseThrow().contains("parent generation 3 is invalid: parent generation 2 is invalid"),
                s.invalidBecause(4).orElseThrow());
        assertTrue(s.invalidBecause(3).isPresent());
        assertEquals(Optional.empty(), s.invalidBecause(1), "the older full generation is what a restore falls back to");

        // the cheap check (sizes) sees a missing parent through the whole chain
        Files.delete(pages);
        assertEquals(List.of(true, false, false, false), s.list().stream().map(Generation::valid).toList());
        assertTrue(s.invalidBecause(g4.number()).orElseThrow().contains("missing"), s.invalidBecause(4).orElseThrow());
        assertTrue(g1.valid());
    }

    @Test
    void aParentDirectoryThatIsGoneMakesTheChildInvalid() throws Exception {
        ImageStore s = ImageStore.open(ctl);
        Generation g1 = full(s);
        Generation g2 = child(s, g1);
        dev.crflow.coordinator.control.SafeFiles.deleteTree(g1.path());
        assertEquals("parent generation 1 is missing", s.invalidBecause(g2.number()).orElseThrow());
        assertFalse(s.list().get(0).valid());
    }

    @Test
    void keepNeverPrunesAParentAKeptGenerationReadsThroughAndPrunesAChainAsAWhole() throws Exception {
        ImageStore s = ImageStore.open(ctl);
        Generation a1 = full(s);
        Generation a2 = child(s, a1);
        Generation a3 = child(s, a2);
        // newest two are 2 and 3; 3 reads through 2 and 1: nothing goes
        assertEquals(List.of(), s.prune(2));
        Generation b4 = full(s);
        // newest two are 3 and 4: 3 still needs 1 and 2
        assertEquals(List.of(), s.prune(2));
        Generation b5 = child(s, b4);
        // newest two are 4 and 5: the chain 1 <- 2 <- 3 is needed by neither, and goes as a whole
        assertEquals(List.of(1, 2, 3), s.prune(2));
        assertEquals(List.of(4, 5), numbers(s));
        assertTrue(s.verify(s.get(5).orElseThrow()).ok());
        assertEquals(List.of(), List.of(a1, a2, a3).stream().filter(g -> Files.exists(g.path())).toList());
        assertTrue(Files.exists(b5.path()));
    }

    @Test
    void keepOneStillKeepsTheWholeChainOfTheNewest() throws Exception {
        ImageStore s = ImageStore.open(ctl);
        Generation g1 = commit(s, null); // an old plain generation before the chain: pruned as before
        Generation g2 = full(s);
        Generation g3 = child(s, g2);
        Generation g4 = child(s, g3);
        assertEquals(List.of(1), s.prune(1));
        assertEquals(List.of(2, 3, 4), numbers(s));
        assertTrue(s.verify(g4).ok());
        assertFalse(Files.exists(g1.path()));
    }
}
