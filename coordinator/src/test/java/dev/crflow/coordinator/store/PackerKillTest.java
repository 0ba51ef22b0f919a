package dev.crflow.coordinator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fault injection: a JVM packing a generation is killed with SIGKILL mid-compression, with the new form written but the
 * manifest not yet swapped, and with the manifest swapped but the old form not yet deleted. Every time the generation
 * verifies, restores byte for byte, and the next start's {@link Packer#recover} leaves no debris.
 */
class PackerKillTest {
    @TempDir Path ctl;

    private Process child(Path dir, boolean compress, boolean dedup, Optional<String> pauseAt) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PackCrashChild.class.getName(), dir.toString(),
                String.valueOf(compress), String.valueOf(dedup)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove(GenerationFiles.PAUSE_ENV);
        pauseAt.ifPresent(p -> pb.environment().put(GenerationFiles.PAUSE_ENV, p));
        return pb.start();
    }

    private static LinkedBlockingQueue<String> lines(Process p) {
        LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) q.add(l);
            } catch (java.io.IOException ignored) {
                // the child was killed
            }
        });
        t.setDaemon(true);
        t.start();
        return q;
    }

    private static void awaitLine(LinkedBlockingQueue<String> q, String wanted) throws InterruptedException {
        Instant end = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(end)) {
            String l = q.poll(1, TimeUnit.SECONDS);
            if (l != null && l.contains(wanted)) return;
        }
        fail("the child never said: " + wanted);
    }

    private static boolean anyTemp(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(Packer.TEMP_MARK)
                    || p.getFileName().toString().startsWith(ChunkStore.TEMP_PREFIX)
                    || p.getFileName().toString().endsWith(".zst") && Files.isRegularFile(p));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private void killAndCheck(String name, boolean compress, boolean dedup, Optional<String> pauseAt) throws Exception {
        Path dir = Files.createDirectories(ctl.resolve(name));
        ImageStore store = ImageStore.open(dir);
        byte[] img = PackerTest.image(3, 48, 4);
        ImageStore.Pending pending = store.begin("test");
        Files.write(pending.dir().resolve("img"), img);
        pending.commit(ImageStoreTest.who());
        Process p = child(dir, compress, dedup, pauseAt);
        try {
            LinkedBlockingQueue<String> q = lines(p);
            if (pauseAt.isPresent()) {
                awaitLine(q, "pack paused at " + pauseAt.get());
            } else {
                awaitLine(q, "packing");
                // mid-compression: as soon as the first compressed bytes are on disk
                Instant end = Instant.now().plus(Duration.ofSeconds(120));
                while (!anyTemp(dir) && p.isAlive() && Instant.now().isBefore(end)) Thread.sleep(5);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(Optional.empty(), store.invalidBecause(1), name + ": valid right after the kill");
        Packer.recover(store, s -> { });
        assertEquals(Optional.empty(), store.invalidBecause(1), name + ": valid after the next start's tidy and sweep");
        Manifest m = ImageStore.readManifest(store.get(1).orElseThrow().path()).orElseThrow();
        try (Stream<Path> s = Files.walk(store.get(1).orElseThrow().path())) {
            List<String> files = s.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
            List<String> expected = m.files().get(0).isPlain() ? List.of("MANIFEST.json", "img")
                    : compress && !dedup ? List.of("MANIFEST.json", "img.zst") : List.of("MANIFEST.json");
            assertEquals(expected, files, name + ": one form on disk, the manifest's");
        }
        if (pauseAt.equals(Optional.of("swapped"))) assertTrue(!m.files().get(0).isPlain(), "the swap is the commit point");
        if (pauseAt.equals(Optional.of("written"))) assertTrue(m.files().get(0).isPlain(), "before the swap: still plain");
        try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(1).orElseThrow())) {
            assertArrayEquals(img, Files.readAllBytes(u.dir().resolve("img")));
        }
        assertEquals(0, Packer.forRestore(store).sweep(), name + ": no orphan chunks left");
    }

    @Test
    void killedMidCompression() throws Exception {
        killAndCheck("zstd-mid", true, false, Optional.empty());
        killAndCheck("chunks-mid", true, true, Optional.empty());
    }

    @Test
    void killedWithTheNewFormWrittenButTheManifestNotSwapped() throws Exception {
        killAndCheck("zstd-written", true, false, Optional.of("written"));
        killAndCheck("chunks-written", true, true, Optional.of("written"));
    }

    @Test
    void killedWithTheManifestSwappedButTheOldFormNotDeleted() throws Exception {
        killAndCheck("zstd-swapped", true, false, Optional.of("swapped"));
        killAndCheck("chunks-swapped", false, true, Optional.of("swapped"));
    }

    @Test
    void aFinishedPackInAChildIsReadByAnotherJvm() throws Exception {
        Path dir = Files.createDirectories(ctl.resolve("done"));
        ImageStore store = ImageStore.open(dir);
        byte[] img = PackerTest.image(4, 4, 1);
        ImageStore.Pending pending = store.begin("test");
        Files.write(pending.dir().resolve("img"), img);
        pending.commit(ImageStoreTest.who());
        Process p = child(dir, true, true, Optional.empty());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(!ImageStore.readManifest(store.get(1).orElseThrow().path()).orElseThrow().files().get(0).isPlain());
        assertEquals(Optional.empty(), store.invalidBecause(1));
        try (Packer.Unpacked u = Packer.forRestore(store).unpack(store.get(1).orElseThrow())) {
            assertArrayEquals(img, Files.readAllBytes(u.dir().resolve("img")));
        }
    }
}
