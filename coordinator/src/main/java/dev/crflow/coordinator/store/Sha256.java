package dev.crflow.coordinator.store;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * SHA-256 of a chunk, through OpenSSL's libcrypto where it loads (it uses the CPU's SHA instructions), else the JDK's.
 * The coordinator runs with {@code -XX:TieredStopAtLevel=1} (small and fast to start), and the C1 compiler has no
 * SHA-256 intrinsic: the JDK's digest costs ~6 s of CPU per GiB there, libcrypto ~0.5 s. Both give the same digest.
 */
final class Sha256 {
    interface Crypto extends Library {
        /** {@code unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md)} */
        com.sun.jna.Pointer SHA256(byte[] d, long n, byte[] md);

        /** The incremental interface (deprecated in OpenSSL 3, still exported by 1.1 and 3.x): no copy of the data. */
        int SHA256_Init(com.sun.jna.Pointer ctx);

        int SHA256_Update(com.sun.jna.Pointer ctx, com.sun.jna.Pointer data, long n);

        int SHA256_Final(byte[] md, com.sun.jna.Pointer ctx);
    }

    /** sizeof(SHA256_CTX) is 112 in OpenSSL 1.1 and 3.x; a little more room costs nothing. */
    private static final int CTX_BYTES = 256;

    private static final HexFormat HEX = HexFormat.of();
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final Optional<Crypto> NATIVE = load();

    private Sha256() {}

    private static Optional<Crypto> load() {
        if (Boolean.getBoolean("crflow.sha256.jdk")) return Optional.empty(); // tests compare both
        for (String name : List.of("crypto", "libcrypto.so.3", "libcrypto.so.1.1")) {
            try {
                Crypto c = Native.load(name, Crypto.class);
                byte[] md = new byte[32];
                c.SHA256(new byte[] {'a', 'b', 'c'}, 3, md);
                if (!HEX.formatHex(md).equals(ABC)) continue;
                // the incremental calls too, on native memory, in two pieces: the packer only uses these
                try (com.sun.jna.Memory ctx = new com.sun.jna.Memory(CTX_BYTES); com.sun.jna.Memory d = new com.sun.jna.Memory(3)) {
                    d.write(0, new byte[] {'a', 'b', 'c'}, 0, 3);
                    byte[] md2 = new byte[32];
                    if (c.SHA256_Init(ctx) == 1 && c.SHA256_Update(ctx, d, 1) == 1 && c.SHA256_Update(ctx, d.share(1), 2) == 1
                            && c.SHA256_Final(md2, ctx) == 1 && HEX.formatHex(md2).equals(ABC)) return Optional.of(c);
                }
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                // not here under this name: try the next, else the JDK's digest
            }
        }
        return Optional.empty();
    }

    static boolean isNative() { return NATIVE.isPresent(); }

    static String hex(byte[] b, int off, int len) {
        if (NATIVE.isPresent()) {
            byte[] data = off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
            byte[] md = new byte[32];
            NATIVE.get().SHA256(data, len, md);
            return HEX.formatHex(md);
        }
        return jdk(b, off, len);
    }

    static String jdk(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, off, len);
            return HEX.formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * A running SHA-256 over direct buffers (the packer's chunks, which never exist as one array): libcrypto reads the
     * buffer where it is, the JDK's digest where libcrypto is missing. One per thread; {@link #close} frees its context.
     */
    static final class Hasher implements AutoCloseable {
        private final com.sun.jna.Memory ctx;
        private final MessageDigest jdk;

        Hasher() {
            if (NATIVE.isPresent()) {
                ctx = new com.sun.jna.Memory(CTX_BYTES);
                jdk = null;
            } else {
                ctx = null;
                try {
                    jdk = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("every JDK has SHA-256", e);
                }
            }
            reset();
        }

        void reset() {
            if (ctx != null) {
                if (NATIVE.get().SHA256_Init(ctx) != 1) throw new IllegalStateException("SHA256_Init failed");
            } else {
                jdk.reset();
            }
        }

        /** Hashes {@code b}'s bytes from its position to its limit; the position moves to the limit. */
        void update(java.nio.ByteBuffer b) {
            if (!b.isDirect()) throw new IllegalArgumentException("a direct buffer");
            int n = b.remaining();
            if (n == 0) return;
            if (ctx != null) {
                com.sun.jna.Pointer p = com.sun.jna.Native.getDirectBufferPointer(b).share(b.position());
                if (NATIVE.get().SHA256_Update(ctx, p, n) != 1) throw new IllegalStateException("SHA256_Update failed");
                b.position(b.limit());
            } else {
                jdk.update(b);
            }
        }

        /** The digest of everything since the last reset, in hex; starts over. */
        String hex() {
            byte[] md;
            if (ctx != null) {
                md = new byte[32];
                if (NATIVE.get().SHA256_Final(md, ctx) != 1) throw new IllegalStateException("SHA256_Final failed");
            } else {
                md = jdk.digest();
            }
            reset();
            return HEX.formatHex(md);
        }

        @Override
        public void close() {
            if (ctx != null) ctx.close();
        }
    }
}
