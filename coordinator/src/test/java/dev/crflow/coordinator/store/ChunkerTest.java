package dev.crflow.coordinator.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkerTest {
    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The chunks of {@code data} as the packer cuts them ({@link Chunker.Boundaries} fed the whole input). */
    static List<byte[]> chunks(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        Chunker.Boundaries b = new Chunker.Boundaries();
        int start = 0;
        int off = 0;
        while (off < data.length) {
            off += b.next(data, off, data.length - off);
            if (b.cut()) {
                out.add(java.util.Arrays.copyOfRange(data, start, off));
                start = off;
            }
        }
        if (data.length > start) out.add(java.util.Arrays.copyOfRange(data, start, data.length));
        return out;
    }

    /**
     * The first chunker's cut lengths (whole chunks in an array, a chunk's cut searched from its start), kept as the
     * reference the streaming cuts must stay equal to: chunk names must not change between releases.
     */
    static List<Integer> referenceCuts(byte[] data) {
        List<Integer> out = new ArrayList<>();
        int at = 0;
        while (at < data.length) {
            int n = data.length - at;
            int cut = n;
            if (n > Chunker.MIN) {
                int normal = Math.min(n, Chunker.AVG);
                int max = Math.min(n, Chunker.MAX);
                cut = max;
                long h = 0;
                int i = Chunker.MIN;
                for (; i < normal && cut == max; i++) {
                    h = (h << 1) + Chunker.GEAR[data[at + i] & 0xff];
                    if ((h & Chunker.MASK_HARD) == 0) cut = i + 1;
                }
                for (; i < max && cut == max; i++) {
                    h = (h << 1) + Chunker.GEAR[data[at + i] & 0xff];
                    if ((h & Chunker.MASK_EASY) == 0) cut = i + 1;
                }
            }
            out.add(cut);
            at += cut;
        }
        return out;
    }

    static Set<String> names(List<byte[]> chunks) {
        Set<String> s = new HashSet<>();
        for (byte[] c : chunks) s.add(Sha256.hex(c, 0, c.length));
        return s;
    }

    @Test
    void chunksConcatenateToTheInputAndRespectTheBounds() throws IOException {
        byte[] data = random(1, 20 * 1024 * 1024 + 12345);
        List<byte[]> cs = chunks(data);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < cs.size(); i++) {
            byte[] c = cs.get(i);
            all.write(c);
            assertTrue(c.length <= Chunker.MAX, "chunk " + i + " too long: " + c.length);
            if (i < cs.size() - 1) assertTrue(c.length >= Chunker.MIN, "chunk " + i + " too short: " + c.length);
        }
        assertArrayEquals(data, all.toByteArray());
        assertTrue(cs.size() >= 4 && cs.size() <= 80, "about 1 MiB on average: " + cs.size() + " chunks of 20 MiB");
    }

    @Test
    void anInsertionNearTheStartLeavesTheLaterChunksAsTheyWere() {
        byte[] data = random(2, 16 * 1024 * 1024);
        byte[] shifted = new byte[data.length + 100];
        System.arraycopy(data, 0, shifted, 0, 1000);
        System.arraycopy(random(3, 100), 0, shifted, 1000, 100);
        System.arraycopy(data, 1000, shifted, 1100, data.length - 1000);
        Set<String> a = names(chunks(data));
        Set<String> b = names(chunks(shifted));
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        // content-defined: only the chunks around the insertion differ (fixed-size blocks would all differ)
        assertTrue(common.size() >= a.size() - 3, common.size() + " of " + a.size() + " chunks shared");
    }

    @Test
    void emptyAndTinyInputs() {
        assertEquals(0, chunks(new byte[0]).size());
        assertEquals(1, chunks(new byte[10]).size());
        assertEquals(Chunker.MAX, chunks(new byte[Chunker.MAX * 3]).get(0).length <= Chunker.MAX ? Chunker.MAX : -1);
    }

    /** The streaming cuts the packer uses are exactly the reference cuts (chunk names must not change between releases). */
    @Test
    void streamingBoundariesAreTheSameCutsFedInAnyPieceSizes() {
        byte[] img = PackerTest.image(9, 24, 2); // zero pages and runs: cuts at the easy mask and at MAX too
        byte[] rnd = random(4, 13 * 1024 * 1024 + 777);
        Random sizes = new Random(11);
        for (byte[] data : new byte[][] {img, rnd, new byte[0], new byte[10], new byte[Chunker.MAX * 2 + 5]}) {
            List<Integer> expected = referenceCuts(data);
            for (int piece : new int[] {1 << 17, 4096, 0}) {
                Chunker.Boundaries b = new Chunker.Boundaries();
                List<Integer> got = new ArrayList<>();
                int start = 0;
                int at = 0;
                while (at < data.length) {
                    int n = Math.min(data.length - at, piece > 0 ? piece : 1 + sizes.nextInt(300_000));
                    int off = 0;
                    while (off < n) {
                        int k = b.next(data, at + off, n - off);
                        off += k;
                        if (b.cut()) {
                            got.add(at + off - start);
                            start = at + off;
                        }
                    }
                    at += n;
                }
                if (data.length > start) got.add(data.length - start);
                assertEquals(expected, got, "pieces of " + piece + " bytes, input of " + data.length);
            }
        }
    }
}
