package dev.crflow.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page as a browser sees it: rendered by headless Chromium with the network off, no console message
 * (no script error, no CSP violation), exactly one checkpoint marker per checkpoint event of the journals.
 */
class ReportInChromiumIT {
    @TempDir Path tmp;

    /** Checkpoint events in every journal below root, counted independently of the report's reader. */
    static int checkpointEvents(Path root) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        int n = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path j : files.filter(p -> p.getFileName().toString().equals("journal.jsonl")).toList()) {
                if (j.toString().contains("/images/")) continue;
                for (String line : Files.readAllLines(j)) {
                    try {
                        JsonNode e = mapper.readTree(line);
                        if (e != null && "checkpoint".equals(e.path("event").asText())) n++;
                    } catch (IOException torn) {
                        // a torn line is no event
                    }
                }
            }
        }
        return n;
    }

    static Path generate(List<String> args) {
        int exit = Main.run(args.toArray(String[]::new));
        assertEquals(0, exit, "crflow " + args);
        return Path.of(args.get(args.indexOf("--out") + 1));
    }

    /** @return the rendered DOM, for further checks */
    static String assertRendersCleanly(HeadlessChromium chromium, Path page, int expectedMarkers, int expectedSteps) throws Exception {
        HeadlessChromium.Rendered r = chromium.dumpDom(page);
        assertTrue(r.dom().contains("</html>") && r.dom().contains("class=\"summary\""), "the page rendered: " + r.stderr());
        assertTrue(r.consoleLines().isEmpty(), "no script error or CSP violation on the console: " + r.consoleLines());
        assertEquals(expectedMarkers, HtmlReportRendererTest.count(r.dom(), "class=\"ckpt-marker[ \"]"),
                "exactly one checkpoint marker per checkpoint event");
        assertEquals(expectedSteps, HtmlReportRendererTest.count(r.dom(), "<section class=\"panel step "));
        return r.dom();
    }

    @Test
    void theFigureFourStoryRendersWithOneMarkerPerCheckpoint() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.require(Files.createDirectories(tmp.resolve("chromium")));
        Path workdir = HtmlReportRendererTest.threeSteps(tmp.resolve("run"));
        // and a hostile string in a journal: escaped, so no element and no console message appears
        new JournalFixture(workdir.resolve(".crflow/steps/evil"))
                .attemptStart(java.time.Instant.parse("2026-11-21T10:00:00Z"), 1, "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", null)
                .checkpoint(java.time.Instant.parse("2026-11-21T10:00:30Z"), 1, 1, "\"><svg onload=alert(3)>", 10, 10, true, null)
                .write(null);
        Path page = generate(List.of("report", "--workdir", workdir.toString(), "--out", tmp.resolve("story.html").toString()));

        int events = checkpointEvents(workdir);
        assertEquals(7, events);
        String dom = assertRendersCleanly(chromium, page, events, 4);
        assertTrue(!dom.contains("<script") && !dom.contains("<img"), "nothing injected into the DOM");

        Path png = Path.of("target", "report-it", "story.png");
        chromium.screenshot(page, png, 1280, 3000);
        assertTrue(Files.size(png) > 20_000, "a real picture, not a blank page");
    }
}
