package dev.crflow.cli.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run-wide sums live in the model now; they must equal the per-step figures they sum. */
class RunTotalsTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Clock LATER = Clock.fixed(T0.plusSeconds(3 * 3600), ZoneOffset.UTC);

    @TempDir Path tmp;

    @Test
    void sumsThePerStepFigures() throws Exception {
        RunReport run = RunReport.load(ReportLocator.searchRootForWorkdir(HtmlReportRendererTest.threeSteps(tmp)), LATER);
        RunTotals t = run.totals();
        List<StepReport> steps = run.steps();

        assertEquals(3, t.steps());
        assertEquals(steps.stream().filter(s -> s.state() == StepState.COMPLETED).count(), t.completed());
        assertEquals(6, t.checkpoints());
        assertEquals(run.checkpoints(), t.checkpoints());
        assertEquals(steps.stream().mapToInt(s -> s.attempts().size()).sum(), t.attempts());
        assertEquals(steps.stream().mapToInt(StepReport::restarts).sum(), t.restarts());
        assertEquals(steps.stream().mapToDouble(StepReport::computeSeconds).sum(), t.computeSeconds(), 1e-9);
        assertEquals(steps.stream().mapToLong(StepReport::bytesStored).sum(), t.bytesStored());
        assertEquals(steps.stream().map(StepReport::totalLostWork).reduce(Duration.ZERO, Duration::plus), t.lostWork());
        assertTrue(t.lostWorkIsLowerBound(), "the story has an attempt known only by its last sign of life");
        assertEquals(100 * t.checkpointSeconds() / t.computeSeconds(), t.checkpointOverheadPercent().getAsDouble(), 1e-9);
    }

    @Test
    void noComputeMeansNoOverheadFigure() {
        RunTotals t = RunTotals.of(List.of());
        assertEquals(0, t.steps());
        assertEquals(Duration.ZERO, t.lostWork());
        assertFalse(t.lostWorkIsLowerBound());
        assertTrue(t.checkpointOverheadPercent().isEmpty());
    }

    @Test
    void theStyleSheetComesFromTheClasspathAndIsInlined() throws Exception {
        String css = ReportStyle.css();
        assertTrue(css.startsWith(":root{"), "report.css is on the classpath");
        assertFalse(css.contains("</"), "nothing in the style sheet can close the <style> element");
        String html = new HtmlReportRenderer().render(RunReport.load(tmp, LATER));
        assertTrue(html.contains("<style>" + css + "</style>"), "inlined, not linked: the page stays self-contained");
        assertTrue(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""), "CSP kept");
    }
}
