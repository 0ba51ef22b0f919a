package dev.crflow.cli.report;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where reports live, for {@code crflow report} and for the commands that point users at it ({@code crflow status}). */
public final class ReportLocator {
    public static final String REPORT_FILE = "report.html";

    private ReportLocator() {}

    /** {@code <workdir>/.crflow/report.html}: next to the run state of {@code crflow run}. */
    public static Path defaultReportPath(Path workdir) {
        return workdir.toAbsolutePath().normalize().resolve(".crflow").resolve(REPORT_FILE);
    }

    /** For a bridge root given with {@code --root}: {@code <root>/crflow-report.html}. */
    public static Path defaultReportPathForRoot(Path root) {
        return root.toAbsolutePath().normalize().resolve("crflow-" + REPORT_FILE);
    }

    /**
     * Where step control directories are searched for a crflow work directory: {@code .crflow/steps/} (step
     * names are then the directory names), else {@code .crflow/}, else the directory itself.
     */
    public static Path searchRootForWorkdir(Path workdir) {
        Path wd = workdir.toAbsolutePath().normalize();
        Path steps = wd.resolve(".crflow").resolve("steps");
        if (Files.isDirectory(steps)) return steps;
        Path state = wd.resolve(".crflow");
        return Files.isDirectory(state) ? state : wd;
    }

    /** The line {@code crflow status} prints so users find the page. */
    public static String statusHint(Path workdir) {
        Path report = defaultReportPath(workdir);
        return Files.isRegularFile(report)
                ? "Report: " + report + "  (refresh: crflow report)"
                : "Report: crflow report  (writes " + report + ")";
    }
}
