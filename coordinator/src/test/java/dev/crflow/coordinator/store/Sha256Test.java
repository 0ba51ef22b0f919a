package dev.crflow.coordinator.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Sha256Test {
    @Test
    void libcryptoAndTheJdkAgreeOnEveryShape() {
        if (!Sha256.isNative()) System.err.println("*** Sha256Test: libcrypto not loadable here; only the JDK's digest is compared ***");
        byte[] b = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(b);
        assertEquals(Sha256.jdk(b, 0, b.length), Sha256.hex(b, 0, b.length));
        assertEquals(Sha256.jdk(b, 5, 1000), Sha256.hex(b, 5, 1000));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0], 0, 0));
    }

    @Test
    void theRunningDigestOverDirectBuffersInPiecesIsTheDigestOfTheWhole() {
        byte[] b = new byte[1024 * 1024 + 333];
        new Random(8).nextBytes(b);
        java.nio.ByteBuffer d = java.nio.ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        try (Sha256.Hasher h = new Sha256.Hasher()) {
            for (int at = 0; at < b.length; at += 100_003) {
                d.limit(Math.min(b.length, at + 100_003)).position(at);
                h.update(d);
                assertEquals(d.limit(), d.position());
            }
            assertEquals(Sha256.jdk(b, 0, b.length), h.hex());
            assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", h.hex(), "hex() starts over");
        }
    }

    @Test
    void nettleAndLibcryptoWhereTheyLoadGiveTheJdksDigest() {
        byte[] b = new byte[2 * 1024 * 1024 + 99];
        new Random(9).nextBytes(b);
        String want = Sha256.jdk(b, 0, b.length);
        var nettle = Sha256.nettle();
        var crypto = Sha256.crypto();
        if (nettle.isEmpty() || crypto.isEmpty()) System.err.println("*** Sha256Test: nettle " + nettle.isPresent() + ", libcrypto " + crypto.isPresent() + " ***");
        for (var backend : List.of(nettle, crypto)) {
            if (backend.isEmpty()) continue;
            assertEquals(want, Sha256.digestWith(backend.get(), b, 65_536 + 7));
            assertEquals(want, Sha256.digestWith(backend.get(), b, b.length));
        }
    }
}
