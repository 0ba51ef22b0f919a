package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.SafeFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a full CRIU dump into an incremental one against a parent dump, by content: every page that is byte for byte
 * the page the parent holds at the same address becomes a {@code PE_PARENT} pagemap entry, and only the other pages stay
 * in {@code pages-N.img}. The result is CRIU's own incremental format (a {@code parent} link and {@code PE_PARENT}
 * entries, what {@code criu dump --track-mem --prev-images-dir} writes), which {@code criu restore} reads through the
 * chain itself.
 *
 * <p>Why by content and not CRIU's {@code --track-mem}: that needs the kernel's soft-dirty bits
 * ({@code CONFIG_MEM_SOFT_DIRTY}); kernels built without it (this project's CI kernel among them) refuse
 * {@code --track-mem} ("Tracking memory is not available"). Comparing contents also works for the first dump after a
 * restore (soft-dirty bits mark every restored page as written) and is never wrong: an equal page is the same page.
 *
 * <p>Only process pagemaps ({@code pagemap-<pid>.img}) are rewritten; shared-memory pagemaps stay full. A task with no
 * pagemap in the parent keeps all its pages.
 */
final class CriuPageDelta {
    static final int PAGE = 4096;
    static final int CHUNK = 256 * PAGE;
    static final String PARENT_LINK = "parent";
    private static final int MAGIC_BYTES = 8;
    static final int PE_PARENT = 1;
    static final int PE_PRESENT = 4;

    /** What the rewrite kept and what it left to the parent. */
    record Result(long pagesWritten, long pagesFromParent, long bytesBefore, long bytesAfter) {}

    /** One pagemap entry: {@code nrPages} pages from {@code vaddr}; data in the pages file when {@code PE_PRESENT}. */
    record Entry(long vaddr, long nrPages, int flags) {
        boolean present() { return (flags & PE_PRESENT) != 0; }
        boolean inParent() { return (flags & PE_PARENT) != 0; }
    }

    /** A pagemap image: its two magic words, the pages file id and the entries. */
    record Pagemap(byte[] magic, int pagesId, List<Entry> entries) {}

    private CriuPageDelta() {}

    /**
     * Rewrites the dump in {@code dir} against the dump in {@code parentDir} and links {@code dir/parent} to
     * {@code parentLink} (relative to {@code dir}, so the link keeps working when the generation directory is renamed).
     * Every rewritten image is written beside the original first; the originals are replaced only once all are written,
     * so a failure before that leaves the full dump exactly as CRIU wrote it (the caller keeps it as a full generation).
     */
    static Result rewrite(Path dir, Path parentDir, String parentLink) throws IOException {
        long written = 0;
        long fromParent = 0;
        long before = 0;
        long after = 0;
        List<Path[]> moves = new ArrayList<>(); // {new file, the file it replaces}
        try {
            List<Path> pagemaps = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "pagemap-*.img")) {
                for (Path pm : ds) if (pm.getFileName().toString().matches("pagemap-\\d+\\.img")) pagemaps.add(pm); // shmem stays full
            }
            for (Path pm : pagemaps) {
                String name = pm.getFileName().toString();
                if (!Files.isRegularFile(parentDir.resolve(name))) continue; // a task the parent does not know: all its pages
                Pagemap mine = read(pm);
                Path pages = dir.resolve("pages-" + mine.pagesId() + ".img");
                before += Files.size(pages);
                try (PageSource parent = PageSource.open(parentDir, name)) {
                    long[] counts = deltaOf(pm, mine, pages, parent, moves);
                    written += counts[0];
                    fromParent += counts[1];
                    after += counts[0] * PAGE;
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Path[] m : moves) Files.deleteIfExists(m[0]);
            throw e;
        }
        for (Path[] m : moves) Files.move(m[0], m[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(dir.resolve(PARENT_LINK));
        Files.createSymbolicLink(dir.resolve(PARENT_LINK), Path.of(parentLink));
        return new Result(written, fromParent, before, after);
    }

    private static long[] deltaOf(Path pm, Pagemap mine, Path pages, PageSource parent, List<Path[]> moves) throws IOException {
        Path newPages = pages.resolveSibling(pages.getFileName() + ".crflow-delta");
        Path newPm = pm.resolveSibling(pm.getFileName() + ".crflow-delta");
        moves.add(new Path[] {newPages, pages});
        moves.add(new Path[] {newPm, pm});
        List<Entry> out = new ArrayList<>();
        long written = 0;
        long fromParent = 0;
        // read and written in chunks of CHUNK bytes: a 1 GiB dump is 262,144 pages, one syscall each would dominate
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        ByteBuffer pending = ByteBuffer.allocate(CHUNK);
        byte[] theirs = new byte[PAGE];
        try (FileChannel in = FileChannel.open(pages, StandardOpenOption.READ);
             FileChannel o = FileChannel.open(newPages, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                     PosixFilePermissions.asFileAttribute(SafeFiles.FILE_PERMS))) {
            long off = 0;
            for (Entry e : mine.entries()) {
                if (!e.present()) {
                    out.add(e);
                    continue;
                }
                // runs of pages equal to the parent's / different from it, in address order
                long runStart = e.vaddr();
                long runLen = 0;
                boolean runSame = false;
                for (long i = 0; i < e.nrPages(); ) {
                    int n = (int) Math.min(e.nrPages() - i, CHUNK / PAGE);
                    chunk.clear().limit(n * PAGE);
                    readFully(in, chunk, off);
                    off += (long) n * PAGE;
                    byte[] mineBytes = chunk.array();
                    for (int k = 0; k < n; k++, i++) {
                        long vaddr = e.vaddr() + i * PAGE;
                        int from = k * PAGE;
                        boolean same = parent.read(vaddr, theirs) && Arrays.equals(mineBytes, from, from + PAGE, theirs, 0, PAGE);
                        if (runLen > 0 && same != runSame) {
                            out.add(new Entry(runStart, runLen, runSame ? PE_PARENT : e.flags()));
                            runStart = vaddr;
                            runLen = 0;
                        }
                        runSame = same;
                        runLen++;
                        if (same) {
                            fromParent++;
                            continue;
                        }
                        if (!pending.hasRemaining()) drain(o, pending);
                        pending.put(mineBytes, from, PAGE);
                        written++;
                    }
                }
                if (runLen > 0) out.add(new Entry(runStart, runLen, runSame ? PE_PARENT : e.flags()));
            }
            drain(o, pending);
        }
        write(newPm, new Pagemap(mine.magic(), mine.pagesId(), out));
        return new long[] {written, fromParent};
    }

    private static void drain(FileChannel o, ByteBuffer pending) throws IOException {
        pending.flip();
        while (pending.hasRemaining()) o.write(pending);
        pending.clear();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) throw new IOException("pages image shorter than its pagemap");
        }
    }

    /** The pages a dump (and, through its {@code parent} link, its ancestors) holds for one task, by address. */
    static final class PageSource implements AutoCloseable {
        private final Path dir;
        private final String pagemapName;
        private final List<Entry> entries;
        private final long[] offsets;
        private final FileChannel pages;
        private PageSource parent; // opened on first need
        private final ByteBuffer window = ByteBuffer.allocate(CHUNK);
        private long windowStart = -1;
        private final long pagesSize;
        private final int depth;

        private PageSource(Path dir, String pagemapName, int depth) throws IOException {
            if (depth > 1000) throw new IOException("parent chain too deep (a loop?) at " + dir);
            this.dir = dir;
            this.pagemapName = pagemapName;
            this.depth = depth;
            Pagemap pm = CriuPageDelta.read(dir.resolve(pagemapName));
            this.entries = pm.entries();
            this.offsets = new long[entries.size()];
            long off = 0;
            for (int i = 0; i < entries.size(); i++) {
                offsets[i] = off;
                if (entries.get(i).present()) off += entries.get(i).nrPages() * PAGE;
            }
            this.pages = FileChannel.open(dir.resolve("pages-" + pm.pagesId() + ".img"), StandardOpenOption.READ);
            this.pagesSize = pages.size();
            window.limit(0);
        }

        static PageSource open(Path dir, String pagemapName) throws IOException {
            return new PageSource(dir, pagemapName, 0);
        }

        /** Fills {@code into} with the page at {@code vaddr}; false when this chain does not hold it. */
        boolean read(long vaddr, byte[] into) throws IOException {
            int i = find(vaddr);
            if (i < 0) return false;
            Entry e = entries.get(i);
            if (e.present()) {
                long at = offsets[i] + (vaddr - e.vaddr());
                if (at < windowStart || at + PAGE > windowStart + window.limit()) {
                    // the next CHUNK of the file: reads through a parent are in address order, so mostly sequential
                    window.clear().limit((int) Math.min(CHUNK, Math.max(PAGE, pagesSize - at)));
                    readFully(pages, window, at);
                    windowStart = at;
                }
                System.arraycopy(window.array(), (int) (at - windowStart), into, 0, PAGE);
                return true;
            }
            if (e.inParent()) {
                if (parent == null) {
                    Path p = dir.resolve(PARENT_LINK);
                    if (!Files.isRegularFile(p.resolve(pagemapName))) return false;
                    parent = new PageSource(p, pagemapName, depth + 1);
                }
                return parent.read(vaddr, into);
            }
            return false;
        }

        private int find(long vaddr) {
            int lo = 0;
            int hi = entries.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                Entry e = entries.get(mid);
                if (vaddr < e.vaddr()) hi = mid - 1;
                else if (vaddr >= e.vaddr() + e.nrPages() * PAGE) lo = mid + 1;
                else return mid;
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            pages.close();
            if (parent != null) parent.close();
        }
    }

    // --- CRIU's pagemap image: two little-endian magic words, then (u32 size, protobuf message) records: one
    // pagemap_head {pages_id = 1}, then pagemap_entry {vaddr = 1, compat nr_pages = 2 (u32), in_parent = 3, flags = 4,
    // nr_pages = 5 (u64, CRIU >= 4)}.

    static Pagemap read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < MAGIC_BYTES + 4) throw new IOException(file + ": not a CRIU pagemap image");
        byte[] magic = new byte[MAGIC_BYTES];
        b.get(magic);
        int pagesId = -1;
        List<Entry> entries = new ArrayList<>();
        boolean head = true;
        while (b.remaining() >= 4) {
            int size = b.getInt();
            if (size < 0 || size > b.remaining()) throw new IOException(file + ": truncated record");
            Map<Integer, Long> f = fields(b, size, file);
            if (head) {
                pagesId = f.getOrDefault(1, -1L).intValue();
                head = false;
                continue;
            }
            long nr = f.containsKey(5) ? f.get(5) : f.getOrDefault(2, 0L);
            int flags;
            if (f.containsKey(4)) flags = f.get(4).intValue();
            else flags = f.getOrDefault(3, 0L) != 0 ? PE_PARENT : PE_PRESENT; // CRIU's init_compat_pagemap_entry
            if (f.getOrDefault(3, 0L) != 0) flags |= PE_PARENT;
            entries.add(new Entry(f.getOrDefault(1, 0L), nr, flags));
        }
        if (pagesId < 0) throw new IOException(file + ": no pagemap head");
        return new Pagemap(magic, pagesId, entries);
    }

    private static Map<Integer, Long> fields(ByteBuffer b, int size, Path file) throws IOException {
        int end = b.position() + size;
        Map<Integer, Long> f = new HashMap<>();
        while (b.position() < end) {
            long key = varint(b);
            int wire = (int) (key & 7);
            if (wire != 0) throw new IOException(file + ": unexpected protobuf wire type " + wire);
            f.put((int) (key >>> 3), varint(b));
        }
        return f;
    }

    private static long varint(ByteBuffer b) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!b.hasRemaining()) throw new IOException("truncated varint");
            int x = b.get() & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) return v;
        }
        throw new IOException("varint too long");
    }

    static void write(Path file, Pagemap pm) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pm.magic());
        record(out, message(1, pm.pagesId()));
        for (Entry e : pm.entries()) {
            // as CRIU >= 4 writes it: the 32-bit count 0, the real count in field 5
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            field(m, 1, e.vaddr());
            field(m, 2, 0);
            field(m, 4, e.flags());
            field(m, 5, e.nrPages());
            record(out, m.toByteArray());
        }
        Files.write(file, out.toByteArray());
        Files.setPosixFilePermissions(file, SafeFiles.FILE_PERMS);
    }

    private static byte[] message(int field, long value) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        field(m, field, value);
        return m.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, byte[] msg) {
        ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(msg.length);
        out.writeBytes(len.array());
        out.writeBytes(msg);
    }

    private static void field(ByteArrayOutputStream m, int number, long value) {
        varint(m, (long) number << 3);
        varint(m, value);
    }

    private static void varint(ByteArrayOutputStream m, long v) {
        while ((v & ~0x7fL) != 0) {
            m.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        m.write((int) v);
    }
}
