package dev.crflow.cli.report;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's {@code chromium} in headless mode: loads a page from a file URL with the network and every
 * background service off, and reports the DOM it rendered, the page's console lines, or a screenshot.
 */
final class HeadlessChromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private final Path binary;
    private final Path scratch;

    private HeadlessChromium(Path binary, Path scratch) {
        this.binary = binary;
        this.scratch = scratch;
    }

    /** Fails (never skips) without a browser: CI installs it through scripts/install-deps. */
    static HeadlessChromium require(Path scratch) {
        Optional<Path> found = Optional.ofNullable(System.getenv("CRFLOW_CHROMIUM")).map(Path::of).filter(Files::isExecutable);
        if (found.isEmpty()) found = onPath();
        if (found.isEmpty()) {
            fail("headless Chromium is needed to check the HTML report and was not found on PATH (tried " + NAMES
                    + ", or set CRFLOW_CHROMIUM). Install it with scripts/install-deps (Debian: apt-get install -y chromium).");
        }
        return new HeadlessChromium(found.get(), scratch);
    }

    private static Optional<Path> onPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    record Rendered(String dom, List<String> consoleLines, String stderr) {}

    /** The DOM after load, and every message the page wrote to the console (script errors, CSP violations, logs). */
    Rendered dumpDom(Path html) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "dom-", ".html");
        Path err = Files.createTempFile(scratch, "stderr-", ".txt");
        List<String> cmd = base();
        cmd.addAll(List.of("--enable-logging=stderr", "--v=0", "--dump-dom", html.toUri().toString()));
        run(cmd, out, err);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        List<String> console = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.contains(":CONSOLE")) console.add(line);
        }
        return new Rendered(Files.readString(out, StandardCharsets.UTF_8), console, stderr);
    }

    /** A PNG of the page at the given window size, cropped below the last non-background row. */
    void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Path raw = scratch.resolve("raw-" + System.nanoTime() + ".png");
        List<String> cmd = base();
        cmd.addAll(List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + raw, html.toUri().toString()));
        run(cmd, scratch.resolve("shot.out"), scratch.resolve("shot.err"));
        if (!Files.isRegularFile(raw)) fail("chromium wrote no screenshot; stderr: " + Files.readString(scratch.resolve("shot.err")));
        BufferedImage img = ImageIO.read(raw.toFile());
        int bg = img.getRGB(img.getWidth() - 1, img.getHeight() - 1);
        int last = img.getHeight() - 1;
        outer:
        for (; last > 0; last--) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                if (img.getRGB(x, last) != bg) break outer;
            }
        }
        int h = Math.min(img.getHeight(), last + 24);
        ImageIO.write(img.getSubimage(0, 0, img.getWidth(), h), "png", png.toFile());
    }

    private List<String> base() throws IOException {
        Path profile = Files.createTempDirectory(scratch, "profile-");
        return new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--user-data-dir=" + profile));
    }

    private static void run(List<String> cmd, Path out, Path err) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish within 120 s: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) fail("chromium exited " + p.exitValue() + ": " + Files.readString(err));
    }
}
