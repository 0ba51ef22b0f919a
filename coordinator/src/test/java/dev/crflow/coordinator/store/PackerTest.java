package dev.crflow.coordinator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackerTest {
    static final int MIB = 1024 * 1024;
    @TempDir Path ctl;

    /** A memory-image-like file: compressible (runs of zeros), with a random part that changes per generation. */
    static byte[] image(long seed, int mib, int changedMib) {
        byte[] b = new byte[mib * MIB];
        Random base = new Random(42);
        byte[] half = new byte[2048];
        for (int i = 0; i < b.length; i += 4096) {
            if (base.nextInt(3) == 0) continue; // a zero page
            base.nextBytes(half); // half random, half zeros: compresses about 2:1 like real images
            System.arraycopy(half, 0, b, i, half.length);
        }
        byte[] changed = new byte[changedMib * MIB];
        new Random(seed).nextBytes(changed);
        int at = (int) (seed % Math.max(1, mib - changedMib)) * MIB;
        System.arraycopy(changed, 0, b, at, changed.length);
        return b;
    }

    Generation commit(ImageStore store, Map<String, byte[]> files) throws IOException {
        ImageStore.Pending p = store.begin("test");
        for (var e : files.entrySet()) {
            Path f = p.dir().resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
        }
        return p.commit(ImageStoreTest.who());
    }

    static byte[] read(Packer.Unpacked u, String path) throws IOException { return Files.readAllBytes(u.dir().resolve(path)); }

    @Test
    void compressedGenerationVerifiesUnpacksExactlyAndStaysPrivate() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        byte[] img = image(1, 8, 1);
        Generation g = commit(store, Map.of("ckpt/a.dmtcp", img, "small", "x".getBytes()));
        Packer packer = new Packer(store, new Packer.Settings(true, false), () -> false);
        Packer.Packed p = packer.pack(g).orElseThrow();
        assertTrue(p.stored() < img.length / 2, "compressed: " + p.stored());
        assertFalse(Files.exists(g.path().resolve("ckpt/a.dmtcp")), "the plain file is gone once the packed one verified");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(g.path().resolve("ckpt/a.dmtcp.zst"))));
        assertEquals(Optional.empty(), store.invalidBecause(g.number()));
        assertTrue(store.get(g.number()).orElseThrow().valid());
        assertEquals(Optional.empty(), packer.pack(store.get(1).orElseThrow()), "already packed");
        try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(1).orElseThrow())) {
            assertTrue(u.temporary());
            assertArrayEquals(img, read(u, "ckpt/a.dmtcp"));
            assertArrayEquals("x".getBytes(), read(u, "small"));
            assertTrue(u.manifest().files().stream().allMatch(Manifest.FileEntry::isPlain));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(u.dir().resolve("ckpt/a.dmtcp"))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(u.dir())));
        }
        assertFalse(Files.exists(store.directory().resolve(Packer.RESTORE_PREFIX + "gen-000001")), "scratch copy removed");
    }

    @Test
    void aPlainGenerationRestoresInPlace() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation g = commit(store, Map.of("f", "plain".getBytes()));
        try (Packer.Unpacked u = Packer.forRestore(store).unpack(g)) {
            assertFalse(u.temporary());
            assertEquals(g.path(), u.dir());
        }
        assertTrue(Files.exists(g.path().resolve("f")));
    }

    @Test
    void generationsShareChunksAndPruningPlusSweepNeverDeletesAChunkInUse() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Packer packer = new Packer(store, new Packer.Settings(true, true), () -> false);
        byte[][] imgs = new byte[4][];
        long written = 0;
        for (int i = 0; i < 4; i++) {
            imgs[i] = image(i + 1, 16, 2);
            Generation g = commit(store, Map.of("img", imgs[i]));
            Packer.Packed p = packer.pack(g).orElseThrow();
            if (i > 0) assertTrue(p.written() < p.stored() / 2 + 4 * MIB, "generation " + g.number() + " wrote " + p.written()
                    + " new bytes of " + p.stored() + ": the unchanged chunks are shared");
            written += p.written();
            store.prune(2);
            packer.sweep();
            for (Generation kept : store.list()) assertEquals(Optional.empty(), store.invalidBecause(kept.number()));
        }
        assertEquals(List.of(3, 4), store.list().stream().map(Generation::number).toList());
        for (int n = 3; n <= 4; n++) {
            try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(n).orElseThrow())) {
                assertArrayEquals(imgs[n - 1], read(u, "img"));
            }
        }
        // only chunks of generations 3 and 4 remain
        long chunkFiles;
        try (Stream<Path> s = Files.walk(store.directory().resolve(ChunkStore.DIR_NAME))) {
            chunkFiles = s.filter(Files::isRegularFile).count();
        }
        long listed = store.list().stream().flatMap(g -> ImageStore.readManifest(g.path()).orElseThrow().files().stream())
                .flatMap(f -> f.packed().orElseThrow().chunks().stream()).map(Manifest.Chunk::sha256).distinct().count();
        assertEquals(listed, chunkFiles);
        assertTrue(written > 0);
    }

    @Test
    void aDamagedChunkFailsVerificationAndTheUnpackNamesIt() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation g = commit(store, Map.of("img", image(5, 4, 1)));
        new Packer(store, new Packer.Settings(false, true), () -> false).pack(g).orElseThrow();
        Manifest.Chunk c = ImageStore.readManifest(g.path()).orElseThrow().files().get(0).packed().orElseThrow().chunks().get(1);
        Path chunk = new ChunkStore(store.directory()).path(c.sha256(), false);
        byte[] b = Files.readAllBytes(chunk);
        b[7] ^= 1;
        Files.write(chunk, b);
        String why = store.invalidBecause(1).orElseThrow();
        assertTrue(why.contains(c.sha256()), why);
        IOException e = assertThrows(IOException.class, () -> Packer.forRestore(store).unpack(store.get(1).orElseThrow()));
        assertTrue(e.getMessage().contains(c.sha256()), e.getMessage());
        assertFalse(Files.exists(store.directory().resolve(Packer.RESTORE_PREFIX + "gen-000001")));
        Files.delete(chunk);
        assertFalse(store.get(1).orElseThrow().valid(), "a missing chunk shows in the cheap check too");
    }

    @Test
    void aPlainFileThatNoLongerMatchesItsManifestIsNeverPacked() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation g = commit(store, Map.of("img", image(6, 2, 1)));
        Path f = g.path().resolve("img");
        byte[] b = Files.readAllBytes(f);
        b[100] ^= 1;
        Files.write(f, b);
        assertThrows(IOException.class, () -> new Packer(store, new Packer.Settings(true, true), () -> false).pack(g));
        assertTrue(ImageStore.readManifest(g.path()).orElseThrow().files().get(0).isPlain());
    }

    @Test
    void aGenerationInAnIncrementalChainStaysPlain() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation g1 = commit(store, Map.of("img", image(7, 2, 1)));
        Generation g2 = commit(store, Map.of("img", image(8, 2, 1)));
        Generation g3 = commit(store, Map.of("img", image(9, 2, 1)));
        // a manifest naming its parent, as incremental CRIU dumps write them
        Path m2 = g2.path().resolve(Manifest.FILE_NAME);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) dev.crflow.coordinator.spec.SpecReader.mapper().readTree(m2.toFile());
        tree.put("parent", 1);
        Files.write(m2, dev.crflow.coordinator.spec.SpecReader.mapper().writeValueAsBytes(tree));
        Packer packer = new Packer(store, new Packer.Settings(true, true), () -> false);
        List<Generation> all = store.list();
        assertTrue(Chains.mustStayPlain(all.get(0), all).orElseThrow().contains("parent of generation 2"));
        assertTrue(Chains.mustStayPlain(all.get(1), all).orElseThrow().contains("parent is generation 1"));
        assertEquals(Optional.empty(), Chains.mustStayPlain(all.get(2), all), "no parent, nobody's parent, not written for a chain");
        for (Generation g : all.subList(0, 2)) assertEquals(Optional.empty(), packer.pack(g));
        assertEquals(Optional.of(1), Chains.parentOf(g2.path()));
        assertEquals(Optional.empty(), Chains.parentOf(g3.path()));
    }

    @Test
    void aCriuGenerationWrittenForAChainStaysPlainAndOneWithIncrementalOffIsPacked() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        ImageStore.Provenance criu = new ImageStore.Provenance("criu", "4.2", "host", "1", 1, "interval", 1.0, Map.of());
        for (int i = 0; i < 2; i++) {
            ImageStore.Pending p = store.begin("test");
            Files.write(p.dir().resolve("pages-1.img"), image(i + 1, 2, 1));
            if (i == 1) p.chain(Optional.empty());   // incremental on: a full dump that the next one may read through
            p.commit(criu);
        }
        Packer packer = new Packer(store, new Packer.Settings(true, true), () -> false);
        assertEquals(Optional.empty(), packer.pack(store.get(2).orElseThrow()), "written for a chain: the next dump's parent");
        assertTrue(packer.pack(store.get(1).orElseThrow()).isPresent(), "incremental off: packed like any image");
    }

    /** A pack stopped at every point it checks (a checkpoint pausing it) leaves the generation valid and plain. */
    @Test
    void aPackStoppedAnywhereLeavesTheGenerationValid() throws Exception {
        for (boolean dedup : new boolean[] {false, true}) {
            for (int stopAfter = 0; stopAfter < 70; stopAfter += 3) { // 128 KiB reads: past the read-back too
                Path dir = Files.createTempDirectory(ctl, "s");
                ImageStore store = ImageStore.open(dir);
                byte[] img = image(stopAfter + 1, 6, 1);
                Generation g = commit(store, Map.of("img", img));
                AtomicInteger checks = new AtomicInteger();
                int limit = stopAfter;
                Packer packer = new Packer(store, new Packer.Settings(true, dedup), () -> checks.incrementAndGet() > limit);
                Optional<Packer.Packed> p;
                try {
                    p = packer.pack(g);
                } catch (InterruptedIOException e) {
                    p = Optional.empty();
                }
                assertEquals(Optional.empty(), store.invalidBecause(1), "stopped after " + stopAfter + " checks");
                Packer.recover(store, s -> { });
                assertEquals(Optional.empty(), store.invalidBecause(1));
                try (Stream<Path> s = Files.walk(dir)) {
                    assertEquals(List.of(), s.filter(x -> x.getFileName().toString().contains(Packer.TEMP_MARK)
                            || x.getFileName().toString().startsWith(ChunkStore.TEMP_PREFIX)).toList());
                }
                if (p.isEmpty()) {
                    try (Stream<Path> s = Files.walk(g.path())) {
                        assertEquals(List.of("MANIFEST.json", "img"), s.filter(Files::isRegularFile)
                                .map(x -> g.path().relativize(x).toString()).sorted().toList(), "only the plain form remains");
                    }
                    if (dedup) assertEquals(0, Packer.forRestore(store).sweep(), "recover swept the orphan chunks already");
                }
                try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(1).orElseThrow())) {
                    assertArrayEquals(img, read(u, "img"));
                }
            }
        }
    }

    /** A store no pack ever touched: recover reads no manifest and removes nothing (it never looks). */
    @Test
    void recoverSkipsAStoreThatNeverPacked() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        Generation g = commit(store, Map.of("img", image(3, 2, 1)));
        new Packer(store, Packer.Settings.off(), () -> false).pack(g);
        assertFalse(Packer.everPacked(store), "settings off: no pack started, no marker");
        // what tidy would remove if it looked: proof that it did not
        Path lookalike = g.path().resolve("img.zst");
        Files.writeString(lookalike, "not ours");
        Packer.recover(store, s -> { });
        assertTrue(Files.exists(lookalike));
        assertFalse(Files.exists(store.directory().resolve(Packer.MARKER)));
    }

    /** The marker is durable before a pack writes anything, so a pack stopped at its first step is still recovered. */
    @Test
    void recoverTidiesAfterAPackThatStoppedAtItsFirstStep() throws Exception {
        for (boolean dedup : new boolean[] {false, true}) {
            ImageStore store = ImageStore.open(Files.createTempDirectory(ctl, "m"));
            Generation g = commit(store, Map.of("img", image(4, 2, 1)));
            Packer stopped = new Packer(store, new Packer.Settings(true, dedup), () -> true);
            assertThrows(InterruptedIOException.class, () -> stopped.pack(g));
            assertTrue(Packer.everPacked(store));
            Path marker = store.directory().resolve(Packer.MARKER);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(marker)));
            // debris as a crash would leave it: a temporary file of the pack, a compressed twin of a plain entry
            Path temp = g.path().resolve("img.zst" + Packer.TEMP_MARK + "x");
            Path twin = g.path().resolve("img.zst");
            Files.writeString(temp, "partial");
            Files.writeString(twin, "partial");
            Packer.recover(store, s -> { });
            assertFalse(Files.exists(temp));
            assertFalse(Files.exists(twin));
            assertEquals(Optional.empty(), store.invalidBecause(1));
            // a later pack in the same store finds the marker and packs as usual
            assertTrue(new Packer(store, new Packer.Settings(true, dedup), () -> false).pack(g).isPresent());
            try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(1).orElseThrow())) {
                assertArrayEquals(image(4, 2, 1), read(u, "img"));
            }
        }
    }

    /**
     * Memory: the packing thread allocates no buffer per chunk or per piece (the cause of the coordinator's heap growing
     * to its -Xmx while a pass ran), and a pass uses a bounded number of pooled buffer sets.
     */
    @Test
    void packingAndRestoringAllocateFarLessThanTheyMove() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        for (Packer.Settings s : List.of(new Packer.Settings(true, true), new Packer.Settings(true, false), new Packer.Settings(false, true))) {
            ImageStore store = ImageStore.open(Files.createTempDirectory(ctl, "a"));
            byte[] img = image(6, 32, 4);
            Generation g = commit(store, Map.of("img", img));
            img = null;
            Packer packer = new Packer(store, s, () -> false);
            packer.pack(g); // class loading, first contexts
            Generation g2 = commit(store, Map.of("img", image(7, 32, 4)));
            long before = threads.getThreadAllocatedBytes(self);
            packer.pack(g2).orElseThrow();
            long packing = threads.getThreadAllocatedBytes(self) - before;
            assertTrue(packing < 4 * MIB, s + ": packing 32 MiB allocated " + packing + " bytes on its thread");
            before = threads.getThreadAllocatedBytes(self);
            try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(2).orElseThrow())) {
                assertEquals(32L * MIB, Files.size(u.dir().resolve("img")));
            }
            assertEquals(Optional.empty(), store.invalidBecause(2));
            long restoring = threads.getThreadAllocatedBytes(self) - before;
            assertTrue(restoring < 4 * MIB, s + ": unpacking and verifying 32 MiB allocated " + restoring + " bytes on its thread");
        }
        assertTrue(PackIo.live() <= 6, "buffer sets in existence: " + PackIo.live());
    }

    /**
     * The on-disk format is unchanged: generations packed by the earlier writer (a one-shot zstd frame per chunk, a
     * multi-threaded zstd stream per compressed file) still verify and restore through the streaming reader.
     */
    @Test
    void generationsPackedByTheEarlierWriterStillVerifyAndRestore() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        byte[] img = image(8, 12, 2);
        Generation chunked = commit(store, Map.of("img", img));
        new Packer(store, new Packer.Settings(true, true), () -> false).pack(chunked).orElseThrow();
        ChunkStore chunks = new ChunkStore(store.directory());
        Manifest m = ImageStore.readManifest(chunked.path()).orElseThrow();
        int at = 0;
        for (Manifest.Chunk c : m.files().get(0).packed().orElseThrow().chunks()) {
            byte[] plain = java.util.Arrays.copyOfRange(img, at, at + (int) c.bytes());
            at += (int) c.bytes();
            Files.write(chunks.path(c.sha256(), true), com.github.luben.zstd.Zstd.compress(plain, 1)); // as put() wrote them
        }
        Generation zst = commit(store, Map.of("img", img));
        Path file = zst.path().resolve("img.zst");
        try (var out = new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(file), 1)) {
            out.setWorkers(2); // as compressFile() wrote them
            out.setChecksum(true);
            out.write(img);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Manifest.FileEntry plainEntry = ImageStore.readManifest(zst.path()).orElseThrow().files().get(0);
        GenerationFiles.writeManifestFiles(zst.path(), List.of(new Manifest.FileEntry(plainEntry.path(), plainEntry.bytes(),
                plainEntry.checksum(), Optional.of(new Manifest.Packed(Manifest.Form.ZSTD, "img.zst", Files.size(file),
                Checksums.of(file), List.of(), true)))));
        Files.delete(zst.path().resolve("img"));
        for (Generation g : List.of(chunked, zst)) {
            assertEquals(Optional.empty(), store.invalidBecause(g.number()));
            try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(g.number()).orElseThrow())) {
                assertArrayEquals(img, read(u, "img"));
            }
        }
    }
}
