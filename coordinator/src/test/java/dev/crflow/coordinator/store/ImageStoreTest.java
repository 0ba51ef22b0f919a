package dev.crflow.coordinator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageStoreTest {
    @TempDir Path ctl;

    static ImageStore.Provenance who() {
        return new ImageStore.Provenance("signal", "n/a", "host", "1", 1, "signal", 12.5, Map.of("k", "v"));
    }

    Generation commit(ImageStore store, String content) throws Exception {
        Path src = ctl.resolve("src-" + content);
        Files.writeString(src, content);
        ImageStore.Pending p = store.begin("test");
        p.copyIn(src, "state/s");
        return p.commit(who());
    }

    @Test
    void committedGenerationsAreNumberedPrivateVerifiedAndCarryAManifest() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        assertEquals(List.of(), store.list());
        Generation g1 = commit(store, "one");
        Generation g2 = commit(store, "two");
        assertEquals(List.of(1, 2), store.list().stream().map(Generation::number).toList());
        assertTrue(store.list().stream().allMatch(Generation::valid));
        assertEquals("gen-000002", g2.path().getFileName().toString());
        Manifest m = ImageStore.readManifest(g1.path()).orElseThrow();
        assertEquals("CRC32C", m.checksumAlgorithm());
        assertEquals(12.5, m.appSeconds());
        assertEquals(List.of(new Manifest.FileEntry("state/s", 3, Checksums.of(g1.path().resolve("state/s")))), m.files());
        assertTrue(store.verify(g1).ok());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ctl.resolve("images"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g1.path().resolve("state/s"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g1.path().resolve("state"))));
    }

    @Test
    void aFlippedByteFailsVerificationAndNamesTheFile() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation g = commit(store, "hello");
        Path f = g.path().resolve("state/s");
        byte[] b = Files.readAllBytes(f);
        b[1] ^= 0x40;
        Files.write(f, b, StandardOpenOption.TRUNCATE_EXISTING);
        ImageStore.Verification v = store.verify(g);
        assertFalse(v.ok());
        assertTrue(v.problem().contains("state/s") && v.problem().contains("checksum"), v.problem());
        Files.writeString(f, "hello-longer");
        assertFalse(store.list().get(0).valid(), "a size mismatch is seen without reading checksums");
    }

    @Test
    void aPartialIsNeverAGenerationAndIsRemovedOnTheNextStart() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commit(store, "one");
        ImageStore.Pending p = store.begin("x");
        Files.writeString(p.dir().resolve("junk"), "half");
        assertEquals(1, store.list().size());
        assertEquals(1, store.removePartials().size());
        assertFalse(Files.exists(p.dir()));
    }

    @Test
    void aGenerationDirectoryWithoutManifestIsInvalidAndNumbersNeverRepeat() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        commit(store, "one");
        Files.createDirectories(ctl.resolve("images/gen-000002"));
        assertFalse(store.list().get(1).valid());
        assertEquals(3, commit(store, "three").number());
    }

    @Test
    void pruneKeepsTheNewestValidGenerationsOnly() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        for (String s : List.of("a", "b", "c", "d")) commit(store, s);
        assertEquals(List.of(1, 2), store.prune(2));
        assertEquals(List.of(3, 4), store.list().stream().map(Generation::number).toList());
        assertEquals(List.of(), store.prune(2));
    }

    @Test
    void filesTheEngineWroteInsideThePartialAreChecksummedInPlace() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        ImageStore.Pending p = store.beginNamed(ImageStore.PARTIAL_PREFIX + "engine");
        Files.write(p.dir().resolve("ckpt_1.img"), new byte[4096]);
        Generation g = p.commit(who());
        Manifest m = ImageStore.readManifest(g.path()).orElseThrow();
        assertEquals("ckpt_1.img", m.files().get(0).path());
        assertEquals(4096, g.bytes());
        assertTrue(store.verify(g).ok());
    }

    @Test
    void deletingAPartialThatIsALinkNeverTouchesTheGenerationItPointsTo() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation g = commit(store, "one");
        Files.createSymbolicLink(ctl.resolve("images/.partial-dmtcp"), Path.of(g.path().getFileName().toString()));
        store.removePartials();
        assertTrue(store.verify(g).ok());
    }

    @Test
    void copyInRefusesToWriteOutsideTheGeneration() throws Exception {
        ImageStore.Pending p = ImageStore.open(ctl).begin("x");
        Path src = Files.writeString(ctl.resolve("f"), "x");
        try {
            p.copyIn(src, "../../escape");
            throw new AssertionError("expected a refusal");
        } catch (java.io.IOException expected) {
            assertTrue(expected.getMessage().contains("outside"));
        }
    }

    @Test
    void oneDefinitionOfAValidGenerationByNumber() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation good = commit(store, "good");
        Generation flipped = commit(store, "flipped");
        Generation noManifest = commit(store, "no-manifest");
        byte[] b = Files.readAllBytes(flipped.path().resolve("state/s"));
        b[0] ^= 0x40;
        Files.write(flipped.path().resolve("state/s"), b, StandardOpenOption.TRUNCATE_EXISTING);
        Files.delete(noManifest.path().resolve(Manifest.FILE_NAME));

        assertEquals(java.util.Optional.empty(), store.invalidBecause(good.number()));
        assertTrue(store.invalidBecause(flipped.number()).orElseThrow().contains("checksum"),
                "same size, other bytes: a manifest and sizes are not enough");
        assertTrue(store.invalidBecause(noManifest.number()).orElseThrow().contains(Manifest.FILE_NAME));
        assertEquals(java.util.Optional.of("generation 9 does not exist"), store.invalidBecause(9));
    }
}
