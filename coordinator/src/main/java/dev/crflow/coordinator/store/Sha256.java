package dev.crflow.coordinator.store;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * SHA-256 of chunks, through a native library where one loads (they use the CPU's SHA instructions), else the JDK's.
 * The coordinator runs with {@code -XX:TieredStopAtLevel=1} (small and fast to start), and the C1 compiler has no
 * SHA-256 intrinsic: the JDK's digest costs ~6 s of CPU per GiB there, a native one ~0.5 s. All give the same digest.
 *
 * <p>Nettle first: mapping it costs the coordinator ~0.3 MB of memory where OpenSSL's libcrypto costs ~4 MB (measured,
 * docs/benchmarks/storage.md), and the coordinator has a 64 MB budget. libcrypto where nettle is missing.
 */
final class Sha256 {
    /** The incremental calls of one native library, on native memory: no copy of the data. */
    interface Backend {
        void init(Pointer ctx);

        void update(Pointer ctx, Pointer data, long n);

        void digest(Pointer ctx, byte[] md);
    }

    interface Nettle extends Library {
        void nettle_sha256_init(Pointer ctx);

        void nettle_sha256_update(Pointer ctx, long n, Pointer data);

        /** Also starts the context over. */
        void nettle_sha256_digest(Pointer ctx, long length, byte[] md);
    }

    interface Crypto extends Library {
        /** Deprecated in OpenSSL 3, still exported by 1.1 and 3.x. */
        int SHA256_Init(Pointer ctx);

        int SHA256_Update(Pointer ctx, Pointer data, long n);

        int SHA256_Final(byte[] md, Pointer ctx);
    }

    /** Room for nettle's sha256_ctx (~112 bytes) and OpenSSL's SHA256_CTX (112 bytes), with margin. */
    private static final int CTX_BYTES = 256;
    private static final HexFormat HEX = HexFormat.of();
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final Optional<Backend> NATIVE = load();

    private Sha256() {}

    private static Optional<Backend> load() {
        if (Boolean.getBoolean("crflow.sha256.jdk")) return Optional.empty(); // tests compare both
        return nettle().or(Sha256::crypto);
    }

    static Optional<Backend> nettle() {
        for (String name : List.of("nettle", "libnettle.so.8", "libnettle.so.6")) {
            try {
                Nettle n = Native.load(name, Nettle.class);
                Backend b = new Backend() {
                    public void init(Pointer ctx) { n.nettle_sha256_init(ctx); }

                    public void update(Pointer ctx, Pointer data, long len) { n.nettle_sha256_update(ctx, len, data); }

                    public void digest(Pointer ctx, byte[] md) { n.nettle_sha256_digest(ctx, md.length, md); }
                };
                if (selfTest(b)) return Optional.of(b);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                // not here under this name: try the next
            }
        }
        return Optional.empty();
    }

    static Optional<Backend> crypto() {
        for (String name : List.of("crypto", "libcrypto.so.3", "libcrypto.so.1.1")) {
            try {
                Crypto c = Native.load(name, Crypto.class);
                Backend b = new Backend() {
                    public void init(Pointer ctx) { check(c.SHA256_Init(ctx)); }

                    public void update(Pointer ctx, Pointer data, long len) { check(c.SHA256_Update(ctx, data, len)); }

                    public void digest(Pointer ctx, byte[] md) { check(c.SHA256_Final(md, ctx)); }
                };
                if (selfTest(b)) return Optional.of(b);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                // not here under this name: try the next, else the JDK's digest
            }
        }
        return Optional.empty();
    }

    /** The digest of {@code data} through {@code b} in pieces of {@code piece} bytes (tests: every backend agrees). */
    static String digestWith(Backend b, byte[] data, int piece) {
        try (Memory ctx = new Memory(CTX_BYTES); Memory d = new Memory(Math.max(1, data.length))) {
            if (data.length > 0) d.write(0, data, 0, data.length);
            b.init(ctx);
            for (int at = 0; at < data.length; at += piece) b.update(ctx, d.share(at), Math.min(piece, data.length - at));
            byte[] md = new byte[32];
            b.digest(ctx, md);
            return HEX.formatHex(md);
        }
    }

    private static void check(int ok) {
        if (ok != 1) throw new IllegalStateException("libcrypto's SHA-256 failed");
    }

    /** "abc" in two pieces, then the empty input on the same context: the known digests. */
    private static boolean selfTest(Backend b) {
        try (Memory ctx = new Memory(CTX_BYTES); Memory d = new Memory(3)) {
            d.write(0, new byte[] {'a', 'b', 'c'}, 0, 3);
            byte[] md = new byte[32];
            b.init(ctx);
            b.update(ctx, d, 1);
            b.update(ctx, d.share(1), 2);
            b.digest(ctx, md);
            if (!HEX.formatHex(md).equals(ABC)) return false;
            b.init(ctx);
            b.digest(ctx, md);
            return HEX.formatHex(md).equals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        }
    }

    static boolean isNative() { return NATIVE.isPresent(); }

    /** The digest of an array (tests, the comparison with the JDK's). */
    static String hex(byte[] b, int off, int len) {
        ByteBuffer d = ByteBuffer.allocateDirect(Math.max(1, len));
        d.put(b, off, len).flip();
        try (Hasher h = new Hasher()) {
            h.update(d);
            return h.hex();
        }
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
     * A running SHA-256 over direct buffers (the packer's chunks, which never exist as one array): the native library
     * reads the buffer where it is, the JDK's digest where none loads. One per thread; {@link #close} frees its context.
     */
    static final class Hasher implements AutoCloseable {
        private final Memory ctx;
        private final MessageDigest jdk;

        Hasher() {
            if (NATIVE.isPresent()) {
                ctx = new Memory(CTX_BYTES);
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
            if (ctx != null) NATIVE.get().init(ctx);
            else jdk.reset();
        }

        /** Hashes {@code b}'s bytes from its position to its limit; the position moves to the limit. */
        void update(ByteBuffer b) {
            if (!b.isDirect()) throw new IllegalArgumentException("a direct buffer");
            int n = b.remaining();
            if (n == 0) return;
            if (ctx != null) {
                NATIVE.get().update(ctx, Native.getDirectBufferPointer(b).share(b.position()), n);
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
                NATIVE.get().digest(ctx, md);
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
