package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.engine.CriuPageDelta.Entry;
import dev.crflow.coordinator.engine.CriuPageDelta.Pagemap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.crflow.coordinator.engine.CriuPageDelta.PAGE;
import static dev.crflow.coordinator.engine.CriuPageDelta.PE_PARENT;
import static dev.crflow.coordinator.engine.CriuPageDelta.PE_PRESENT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rewrite on hand-made images in CRIU's format (the real CRIU round trip is CriuEngineIT's). */
class CriuPageDeltaTest {
    @TempDir Path tmp;
    static final byte[] MAGIC = {0x19, 0x43, 0x56, 0x54, 0x25, 0x40, 0x08, 0x56}; // as CRIU 4.2 writes pagemap images
    static final long BASE = 0x7f0000000000L;

    static byte[] page(int seed) {
        byte[] b = new byte[PAGE];
        Arrays.fill(b, (byte) seed);
        b[7] = (byte) (seed >> 8);
        return b;
    }

    /** A dump of one task (pid 42): entries {vaddr page index, pages}, page contents by index. */
    static Path dump(Path dir, int[][] entries, java.util.function.IntUnaryOperator content) throws Exception {
        Files.createDirectories(dir);
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        List<Entry> es = new java.util.ArrayList<>();
        for (int[] e : entries) {
            es.add(new Entry(BASE + (long) e[0] * PAGE, e[1], PE_PRESENT | 2)); // PE_LAZY | PE_PRESENT, as CRIU writes anon memory
            for (int i = 0; i < e[1]; i++) pages.writeBytes(page(content.applyAsInt(e[0] + i)));
        }
        CriuPageDelta.write(dir.resolve("pagemap-42.img"), new Pagemap(MAGIC, 1, es));
        Files.write(dir.resolve("pages-1.img"), pages.toByteArray());
        return dir;
    }

    static byte[] readThrough(Path dir, long pageIndex) throws Exception {
        try (CriuPageDelta.PageSource s = CriuPageDelta.PageSource.open(dir, "pagemap-42.img")) {
            byte[] b = new byte[PAGE];
            assertTrue(s.read(BASE + pageIndex * PAGE, b), "page " + pageIndex + " readable through the chain");
            return b;
        }
    }

    @Test
    void thePagemapFormatRoundTrips() throws Exception {
        Path f = tmp.resolve("pagemap-1.img");
        Pagemap pm = new Pagemap(MAGIC, 3, List.of(new Entry(BASE, 5, PE_PRESENT), new Entry(BASE + 9 * PAGE, 1L << 33, PE_PARENT)));
        CriuPageDelta.write(f, pm);
        Pagemap back = CriuPageDelta.read(f);
        assertArrayEquals(MAGIC, back.magic());
        assertEquals(3, back.pagesId());
        assertEquals(pm.entries(), back.entries());
    }

    @Test
    void onlyChangedPagesStayAndEveryPageReadsBackThroughATwoLevelChain() throws Exception {
        images(tmp);
        Path g1 = dump(tmp.resolve("images/gen-000001/criu"), new int[][] {{0, 10}, {20, 4}}, i -> i);
        // gen 2: pages 3 and 4 changed, a new mapping at 30
        Path g2 = dump(tmp.resolve("images/gen-000002/criu"), new int[][] {{0, 10}, {20, 4}, {30, 2}}, i -> i == 3 || i == 4 ? 1000 + i : i);
        CriuPageDelta.Result r2 = CriuPageDelta.rewrite(g2, g1, "../../gen-000001/criu");
        assertEquals(4, r2.pagesWritten());
        assertEquals(12, r2.pagesFromParent());
        assertEquals(4L * PAGE, Files.size(g2.resolve("pages-1.img")));
        assertEquals(List.of(new Entry(BASE, 3, PE_PARENT), new Entry(BASE + 3 * PAGE, 2, PE_PRESENT | 2),
                        new Entry(BASE + 5 * PAGE, 5, PE_PARENT), new Entry(BASE + 20 * PAGE, 4, PE_PARENT),
                        new Entry(BASE + 30 * PAGE, 2, PE_PRESENT | 2)),
                CriuPageDelta.read(g2.resolve("pagemap-42.img")).entries());
        assertEquals(Path.of("../../gen-000001/criu"), Files.readSymbolicLink(g2.resolve("parent")));

        // gen 3, written in a partial directory and renamed afterwards: page 9 changed, page 3 changed back to gen 1's
        Path partial = dump(tmp.resolve("images/.partial-x/criu"), new int[][] {{0, 10}, {20, 4}, {30, 2}},
                i -> i == 9 ? 2009 : i == 4 ? 1004 : i);
        CriuPageDelta.Result r3 = CriuPageDelta.rewrite(partial, g2, "../../gen-000002/criu");
        assertEquals(2, r3.pagesWritten(), "page 9 and page 3 (different from gen 2's)");
        Files.move(tmp.resolve("images/.partial-x"), tmp.resolve("images/gen-000003"));
        Path g3 = tmp.resolve("images/gen-000003/criu");
        for (int i : new int[] {0, 1, 2, 3, 4, 5, 8, 9, 20, 23, 30, 31}) {
            int expected = i == 9 ? 2009 : i == 4 ? 1004 : i;
            assertArrayEquals(page(expected), readThrough(g3, i), "page " + i);
        }
        try (CriuPageDelta.PageSource s = CriuPageDelta.PageSource.open(g3, "pagemap-42.img")) {
            assertFalse(s.read(BASE + 15 * PAGE, new byte[PAGE]), "an address no generation holds");
        }
    }

    @Test
    void aTaskTheParentDoesNotKnowKeepsAllItsPages() throws Exception {
        images(tmp);
        Path g1 = dump(tmp.resolve("images/gen-000001/criu"), new int[][] {{0, 2}}, i -> i);
        Path g2 = dump(tmp.resolve("images/gen-000002/criu"), new int[][] {{0, 2}}, i -> i);
        Files.move(g2.resolve("pagemap-42.img"), g2.resolve("pagemap-43.img"));
        CriuPageDelta.Result r = CriuPageDelta.rewrite(g2, g1, "../../gen-000001/criu");
        assertEquals(0, r.pagesFromParent());
        assertEquals(2L * PAGE, Files.size(g2.resolve("pages-1.img")));
    }

    @Test
    void aRewriteThatFailsLeavesTheFullDumpExactlyAsCriuWroteIt() throws Exception {
        images(tmp);
        Path g1 = dump(tmp.resolve("images/gen-000001/criu"), new int[][] {{0, 4}}, i -> i);
        Path g2 = dump(tmp.resolve("images/gen-000002/criu"), new int[][] {{0, 4}}, i -> i);
        Files.write(g1.resolve("pages-1.img"), new byte[PAGE]); // the parent's pages file is shorter than its pagemap says
        byte[] pagemap = Files.readAllBytes(g2.resolve("pagemap-42.img"));
        byte[] pages = Files.readAllBytes(g2.resolve("pages-1.img"));
        assertThrows(java.io.IOException.class, () -> CriuPageDelta.rewrite(g2, g1, "../../gen-000001/criu"));
        assertArrayEquals(pagemap, Files.readAllBytes(g2.resolve("pagemap-42.img")));
        assertArrayEquals(pages, Files.readAllBytes(g2.resolve("pages-1.img")));
        assertFalse(Files.exists(g2.resolve("parent"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        try (var ls = Files.list(g2)) {
            assertEquals(List.of(), ls.filter(f -> f.toString().endsWith(".crflow-delta")).toList(), "no half-written image left");
        }
    }

    private static void images(Path tmp) throws Exception { Files.createDirectories(tmp.resolve("images")); }
}
