package dev.crflow.cli.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The report's style sheet, kept as a resource (report.css next to this class) so it can be edited as CSS, and inlined
 * into every page: the page stays one self-contained file whose Content-Security-Policy allows inline styles only.
 */
final class ReportStyle {
    private ReportStyle() {}

    private static final String RESOURCE = "report.css";
    private static final String CSS = load();

    static String css() {
        return CSS;
    }

    private static String load() {
        try (InputStream in = ReportStyle.class.getResourceAsStream(RESOURCE)) {
            // Missing only in a broken build; failing loudly beats an unstyled page that looks like a bug elsewhere.
            if (in == null) throw new IllegalStateException("report style sheet " + RESOURCE + " missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report style sheet " + RESOURCE, e);
        }
    }
}
