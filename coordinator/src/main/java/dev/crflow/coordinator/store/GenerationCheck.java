package dev.crflow.coordinator.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The check behind the one definition of a valid generation ({@link ImageStore#invalidBecause}): the manifest is
 * readable, every file it lists is present with its recorded size and checksum (plain files checksummed in parallel,
 * packed ones through their compressed file's or chunks' checksums), and an incremental generation's parents verify too.
 */
final class GenerationCheck {
    private final ImageStore store;

    GenerationCheck(ImageStore store) { this.store = store; }

    ImageStore.Verification verify(Generation g) {
        Optional<Manifest> manifest = ImageStore.readManifest(g.path());
        if (manifest.isEmpty()) return new ImageStore.Verification(g, false, "no readable " + Manifest.FILE_NAME, manifest);
        Manifest m = manifest.get();
        if (m.files() == null) return new ImageStore.Verification(g, false, Manifest.FILE_NAME + " lists no files", manifest);
        if (!Checksums.ALGORITHM.equals(m.checksumAlgorithm())) {
            return new ImageStore.Verification(g, false, "unknown checksum algorithm " + m.checksumAlgorithm(), manifest);
        }
        List<Path> paths = new ArrayList<>();
        List<Manifest.FileEntry> plain = new ArrayList<>();
        for (Manifest.FileEntry f : m.files()) {
            if (!f.isPlain()) {
                // stored packed (Packer): the checksums of what is on disk, the compressed file's or every chunk's
                Optional<String> problem = PackedFiles.verifyProblem(g.path(), f, new ChunkStore(store.directory()));
                if (problem.isPresent()) return new ImageStore.Verification(g, false, problem.get(), manifest);
                continue;
            }
            plain.add(f);
            Path file = g.path().resolve(f.path()).normalize();
            if (!file.startsWith(g.path())) return new ImageStore.Verification(g, false, "manifest path escapes the generation: " + f.path(), manifest);
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    return new ImageStore.Verification(g, false, f.path() + ": missing", manifest);
                }
                if (Files.size(file) != f.bytes()) {
                    return new ImageStore.Verification(g, false, f.path() + ": " + Files.size(file) + " bytes, manifest says " + f.bytes(), manifest);
                }
            } catch (IOException e) {
                return new ImageStore.Verification(g, false, f.path() + ": " + e, manifest);
            }
            paths.add(file);
        }
        List<String> sums;
        try {
            sums = Checksums.inParallel(paths, Checksums::of);
        } catch (IOException e) {
            return new ImageStore.Verification(g, false, "cannot read the generation: " + e.getMessage(), manifest);
        }
        for (int i = 0; i < paths.size(); i++) {
            Manifest.FileEntry f = plain.get(i);
            if (!sums.get(i).equals(f.checksum())) {
                return new ImageStore.Verification(g, false, f.path() + ": checksum " + sums.get(i) + ", manifest says " + f.checksum(), manifest);
            }
        }
        if (m.parent().isPresent()) return verifyParent(g, m.parent().get(), manifest);
        return new ImageStore.Verification(g, true, "", manifest);
    }

    /** An incremental generation: its parent (and so on down the chain) must verify too, or it cannot be restored. */
    private ImageStore.Verification verifyParent(Generation g, int parent, Optional<Manifest> manifest) {
        if (parent >= g.number()) return new ImageStore.Verification(g, false, "parent generation " + parent + " is not older", manifest);
        Optional<Generation> p;
        try {
            p = store.get(parent);
        } catch (IOException e) {
            return new ImageStore.Verification(g, false, "parent generation " + parent + ": " + e.getMessage(), manifest);
        }
        if (p.isEmpty()) return new ImageStore.Verification(g, false, "parent generation " + parent + " is missing", manifest);
        ImageStore.Verification pv = verify(p.get());
        return pv.ok() ? new ImageStore.Verification(g, true, "", manifest)
                : new ImageStore.Verification(g, false, "parent generation " + parent + " is invalid: " + pv.problem(), manifest);
    }
}
