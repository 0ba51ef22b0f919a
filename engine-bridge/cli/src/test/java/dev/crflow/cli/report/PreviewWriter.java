package dev.crflow.cli.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Writes the fixture's page to a path, for looking at it while working on the style: not a test. */
final class PreviewWriter {
    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("crflow-report-preview");
        HtmlReportRendererTest.threeSteps(root);
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T13:00:00Z"), ZoneOffset.UTC);
        String html = new HtmlReportRenderer().render(RunReport.load(ReportLocator.searchRootForWorkdir(root), clock));
        Files.writeString(Path.of(args[0]), html);
    }
}
