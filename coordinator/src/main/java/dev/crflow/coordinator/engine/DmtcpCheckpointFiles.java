package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.SafeFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a DMTCP checkpoint directory holds: the images, the half-written ones ({@code *.temp}), and the images DMTCP's
 * own restart script lists. DMTCP's restart script, written once every image is in, is its sign that a checkpoint is
 * complete; the images are never guessed from a glob of older generations.
 */
record DmtcpCheckpointFiles(List<String> images, List<String> temp, Optional<List<String>> listed) {
    /** How long after {@code dmtcp_command} returns the images may still be arriving (DMTCP 4.2 returns early). */
    static final Duration COMPLETION_WAIT = Duration.ofSeconds(120);

    /**
     * Waits, within the deadline, for DMTCP's own sign that the checkpoint is complete: its restart script is in
     * {@code dir} and lists exactly the images there, none of them half-written ({@code *.temp}). Which
     * {@code dmtcp_command} returns when differs between releases (measured: 4.2.0's {@code --bcheckpoint} returned
     * while the images were still being written, and every periodic checkpoint was refused as "no image"), so the
     * files decide, not the command.
     *
     * @param scriptRequired false after a checkpoint-and-kill, when the processes' exit already says every image is in place
     */
    static List<String> awaitComplete(Path dir, Deadline deadline, String how, boolean scriptRequired) throws EngineException {
        long limit = System.nanoTime() + Math.min(Math.max(deadline.remaining().toNanos(), Duration.ofSeconds(1).toNanos()),
                COMPLETION_WAIT.toNanos());
        while (true) {
            DmtcpCheckpointFiles seen = DmtcpCheckpointFiles.in(dir);
            if (seen.complete(scriptRequired)) return seen.images();
            if (System.nanoTime() - limit > 0) {
                throw new EngineException("dmtcp_command " + how + " returned but DMTCP did not complete the checkpoint in " + dir
                        + " in time: " + seen.describe() + "; not a usable checkpoint");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for DMTCP to complete the checkpoint");
            }
        }
    }

    /** Whether DMTCP has begun writing a checkpoint into {@code dir} (an image, whole or {@code .temp}). */
    static boolean anyImageStarted(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "ckpt_*")) {
            return ds.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    static DmtcpCheckpointFiles in(Path dir) throws EngineException {
        List<String> images = new ArrayList<>();
        List<String> temp = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(".temp")) temp.add(name);
                else if (name.startsWith("ckpt_") && name.endsWith(".dmtcp")) images.add(name);
            }
        } catch (IOException e) {
            throw new EngineException("cannot list the images DMTCP wrote to " + dir + ": " + e.getMessage(), e);
        }
        images.sort(String::compareTo);
        return new DmtcpCheckpointFiles(images, temp, imagesInRestartScript(dir));
    }

    boolean complete(boolean scriptRequired) {
        if (images.isEmpty() || !temp.isEmpty()) return false;
        return listed.map(images::equals).orElse(!scriptRequired);
    }

    String describe() {
        if (images.isEmpty() && temp.isEmpty()) return "no image was written";
        if (!temp.isEmpty()) return "half-written image(s) " + temp;
        if (listed.isEmpty()) return "images " + images + " but no dmtcp_restart_script";
        return "the images " + images + " differ from those DMTCP's restart script lists " + listed.get();
    }

    static final Pattern IMAGE = Pattern.compile("(ckpt_[A-Za-z0-9_.+-]*\\.dmtcp)");

    /** The image names that {@code dmtcp_restart_script*.sh} in {@code dir} lists, if DMTCP wrote one. */
    static Optional<List<String>> imagesInRestartScript(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "dmtcp_restart_script_*.sh")) {
            for (Path script : ds) {
                java.util.TreeSet<String> names = new java.util.TreeSet<>();
                Matcher m = IMAGE.matcher(Files.readString(script));
                while (m.find()) names.add(Path.of(m.group(1)).getFileName().toString());
                return Optional.of(new ArrayList<>(names));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * A replica of {@code generation} at {@code target}: directories created owner-only, regular files hard-linked
     * (copied where the file system refuses links), the manifest left out so the replica is never mistaken for a
     * generation.
     */
    static void replicate(Path generation, Path target) throws IOException {
        try (var paths = Files.walk(generation)) {
            for (Path src : (Iterable<Path>) paths::iterator) {
                Path dst = target.resolve(generation.relativize(src).toString());
                if (Files.isDirectory(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    SafeFiles.ensureDir(dst);
                } else if (Files.isRegularFile(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !src.getFileName().toString().startsWith("MANIFEST")) {
                    try {
                        Files.createLink(dst, src);
                    } catch (UnsupportedOperationException | IOException e) {
                        Files.copy(src, dst, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }
}
