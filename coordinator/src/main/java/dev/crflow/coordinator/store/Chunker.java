package dev.crflow.coordinator.store;

import java.util.SplittableRandom;

/**
 * Content-defined chunking (FastCDC: a gear rolling hash with normalized chunking): a boundary falls where the hash of
 * the last bytes matches a mask, so an insertion or change moves the boundaries only near it and the unchanged rest of
 * a memory image cuts into the same chunks in every generation. Chunks are {@value #MIN}..{@value #MAX} bytes,
 * about {@value #AVG} on average.
 *
 * <p>The gear table is derived from a fixed seed: boundaries must not change between releases, or a new release would
 * store every chunk of an old step again (correctness never depends on it: chunks are named by their SHA-256).
 */
final class Chunker {
    static final int MIN = 256 * 1024;
    static final int AVG = 1024 * 1024;
    static final int MAX = 4 * 1024 * 1024;
    /** Normalized chunking: a harder mask before the average size, an easier one after (FastCDC level 2). */
    static final long MASK_HARD = (1L << 22) - 1;
    static final long MASK_EASY = (1L << 18) - 1;
    /** Package-private for ChunkerTest's reference implementation only. */
    static final long[] GEAR = new long[256];

    static {
        SplittableRandom r = new SplittableRandom(0x63_72_66_6c_6f_77L); // "crflow"
        for (int i = 0; i < GEAR.length; i++) GEAR[i] = r.nextLong();
    }

    private Chunker() {}

    /**
     * The cuts, found while the bytes stream past: no buffer of a chunk's size, no copy. Feed a file's bytes in order;
     * {@link #next} says how many of them still belong to the current chunk. ChunkerTest holds the first chunker (whole
     * chunks in an array) as the reference these cuts must stay equal to.
     */
    static final class Boundaries {
        private int pos; // bytes of the current chunk seen so far
        private long h;
        private boolean cut;

        /**
         * @return how many bytes of {@code b[off..off+len)} belong to the current chunk; when {@link #cut} is then true
         *         the chunk ends after them and the rest belongs to the next one (call again with it)
         */
        int next(byte[] b, int off, int len) {
            cut = false;
            int i = 0;
            if (pos < MIN) {
                int skip = Math.min(len, MIN - pos); // no boundary before MIN: nothing to hash
                pos += skip;
                i += skip;
            }
            long hh = h;
            int p = pos;
            int end = off + len;
            int j = off + i;
            while (j < end && p < AVG) {
                hh = (hh << 1) + GEAR[b[j++] & 0xff];
                p++;
                if ((hh & MASK_HARD) == 0) return endChunk(j - off);
            }
            while (j < end) {
                hh = (hh << 1) + GEAR[b[j++] & 0xff];
                p++;
                if ((hh & MASK_EASY) == 0 || p == MAX) return endChunk(j - off);
            }
            h = hh;
            pos = p;
            return len;
        }

        private int endChunk(int consumed) {
            cut = true;
            pos = 0;
            h = 0;
            return consumed;
        }

        /** Whether the last {@link #next} ended a chunk. */
        boolean cut() { return cut; }
    }
}
