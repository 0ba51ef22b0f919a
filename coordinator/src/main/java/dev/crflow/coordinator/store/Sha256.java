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
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final Optional<Crypto> NATIVE = load();

    private Sha256() {}

    private static Optional<Crypto> load() {
        if (Boolean.getBoolean("crflow.sha256.jdk")) return Optional.empty(); // tests compare both
        for (String name : List.of("crypto", "libcrypto.so.3", "libcrypto.so.1.1")) {
            try {
                Crypto c = Native.load(name, Crypto.class);
                byte[] md = new byte[32];
                c.SHA256(new byte[] {'a', 'b', 'c'}, 3, md);
                if (HEX.formatHex(md).equals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")) return Optional.of(c);
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
}
