package dev.crflow.executor.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One image generation as the control directory shows it ({@code images/gen-NNNNNN/}). Valid means its
 * {@code MANIFEST.json} exists (written last by the coordinator); checksum verification is the coordinator's.
 */
public record ImageGeneration(int number, Path path, boolean valid, long bytes, Instant created) {

    static List<ImageGeneration> scan(Path images) {
        List<ImageGeneration> out = new ArrayList<>();
        if (!Files.isDirectory(images)) return out;
        try (Stream<Path> dirs = Files.list(images)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.matches("gen-\\d+") || !Files.isDirectory(d)) continue;
                Path manifest = d.resolve("MANIFEST.json");
                boolean valid = Files.isRegularFile(manifest);
                Instant created = valid ? Files.getLastModifiedTime(manifest).toInstant() : Files.getLastModifiedTime(d).toInstant();
                out.add(new ImageGeneration(Integer.parseInt(name.substring(4)), d, valid, size(d), created));
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparingInt(ImageGeneration::number));
        return out;
    }

    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
