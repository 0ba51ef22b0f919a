package dev.crflow.coordinator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundPackerTest {
    @TempDir Path ctl;

    private static boolean packed(ImageStore store, int n) throws Exception {
        return ImageStore.readManifest(store.get(n).orElseThrow().path()).orElseThrow().files().stream()
                .noneMatch(Manifest.FileEntry::isPlain);
    }

    @Test
    void aPausedPassLeavesEveryGenerationValidAndTheNextPassPacksThem() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        for (int i = 1; i <= 3; i++) {
            ImageStore.Pending p = store.begin("t");
            Files.write(p.dir().resolve("img"), PackerTest.image(i, 16, 2));
            p.commit(ImageStoreTest.who());
        }
        List<String> said = new CopyOnWriteArrayList<>();
        try (BackgroundPacker bg = new BackgroundPacker(store, new Packer.Settings(true, true), said::add)) {
            bg.requestPass();
            bg.pause(); // a checkpoint starts: wherever the pass is, it gives up
            assertTrue(bg.awaitIdle(120, TimeUnit.SECONDS));
            for (int n = 1; n <= 3; n++) assertEquals(Optional.empty(), store.invalidBecause(n), "generation " + n + " valid");
            bg.requestPass(); // the checkpoint committed: packing resumes
            assertTrue(bg.awaitIdle(120, TimeUnit.SECONDS));
            for (int n = 1; n <= 3; n++) {
                assertTrue(packed(store, n), "generation " + n + " packed\n" + said);
                assertEquals(Optional.empty(), store.invalidBecause(n));
            }
            assertTrue(said.stream().anyMatch(s -> s.contains("packed in the background")), said.toString());
        }
    }

    @Test
    void settingsOffPackNothing() throws Exception {
        ImageStore store = ImageStore.open(ctl);
        ImageStore.Pending p = store.begin("t");
        Files.write(p.dir().resolve("img"), PackerTest.image(1, 2, 1));
        p.commit(ImageStoreTest.who());
        try (BackgroundPacker bg = new BackgroundPacker(store, Packer.Settings.off(), s -> { })) {
            bg.requestPass();
            assertTrue(bg.awaitIdle(60, TimeUnit.SECONDS));
        }
        assertTrue(!packed(store, 1));
    }
}
