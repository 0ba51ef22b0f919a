package dev.crflow.cli.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportRendererTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Clock LATER = Clock.fixed(T0.plusSeconds(3 * 3600), ZoneOffset.UTC);

    @TempDir Path tmp;

    static int count(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** A run with the Fig. 4 story, a short step without checkpoints, and a step that never started. */
    static Path threeSteps(Path root) throws Exception {
        Path steps = root.resolve(".crflow").resolve("steps");
        JournalFixture.story(steps.resolve("simulate"), T0).write(null);
        new JournalFixture(steps.resolve("prepare"))
                .attemptStart(T0.minusSeconds(300), 1, "4710", "node-a", null)
                .attemptEnd(T0.minusSeconds(60), 1, "completed", 0, 240)
                .sample(T0.minusSeconds(290), 50L << 20, 1).sample(T0.minusSeconds(200), 80L << 20, 80).sample(T0.minusSeconds(100), 60L << 20, 170)
                .write(null).result("COMPLETED", 0, 1, 0);
        Files.createDirectories(steps.resolve("summarize"));
        Files.writeString(steps.resolve("summarize").resolve("job.json"), "{\"jobId\":\"4712\",\"jobName\":\"summarize\"}");
        return root;
    }

    @Test
    void oneMarkerPerCheckpointAndOneBarPerAttempt() throws Exception {
        Path root = threeSteps(tmp);
        RunReport run = RunReport.load(ReportLocator.searchRootForWorkdir(root), LATER);
        String html = new HtmlReportRenderer().render(run);

        assertEquals(3, run.steps().size());
        assertEquals(6, run.checkpoints());
        assertEquals(run.checkpoints(), count(html, "class=\"ckpt-marker "), "one marker per checkpoint event");
        assertEquals(1, count(html, "class=\"ckpt-marker failed"), "the failed checkpoint is marked as failed");
        assertEquals(run.checkpoints(), count(html, "class=\"ckpt-line"), "one line per checkpoint in the resource chart");
        assertEquals(3, count(html, "<section class=\"panel step "));
        // attempt bars: once in the overview, once in the step timeline
        assertEquals(2 * run.attempts(), count(html, "<rect class=\"attempt reason-"));
        assertEquals(2, count(html, "<rect class=\"attempt reason-preempted\""), "coloured by reason");
        assertEquals(2, count(html, "<rect class=\"attempt reason-lost\""));
        assertEquals(2, count(html, "<g class=\"gap\">"), "two queue gaps in the story's timeline");
        assertEquals(2, count(html, "<g class=\"gap-shade\">"), "and shaded in its resource chart");
        assertTrue(html.contains("requeue gap 15m 57s"), "the 29→45 min gap is labelled");
        assertTrue(html.contains(">≥ 6m 45s<"), "lost work of an attempt known only by its last sign of life is a lower bound");
        assertTrue(html.contains("title=\"attempt 1, preempted, stopped by its checkpoint: nothing lost\">0.0 s<")
                || html.contains("stopped by its checkpoint: nothing lost\">0.0 s<"),
                "the warning-signal checkpoint stopped the application: nothing lost (not the 3 s to the attempt's end)");
        assertTrue(html.contains("<table class=\"work-saved\">"), "the work-saved table");
        assertEquals(1, count(html, "<div class=\"cards work-saved\">"), "the run's work-saved cards");
        assertEquals(2, count(html, "class=\"restore-marker"));
        assertTrue(html.contains("class=\"summary\""));
        assertTrue(html.contains("Slurm job 4712 submitted"), "a step with job.json only is listed as not started");
    }

    @Test
    void selfContainedAndScriptFree() throws Exception {
        String html = new HtmlReportRenderer().render(RunReport.load(ReportLocator.searchRootForWorkdir(threeSteps(tmp)), LATER));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
        assertFalse(html.contains("<script"), "no script at all");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "no network reference");
        assertFalse(html.contains("<link"), "no external stylesheet");
        assertFalse(html.contains("@import"));
        assertEquals(1, count(html, "<style>"));
        // the figures a user looks for first
        assertTrue(html.contains("Lost work per interruption"));
        assertTrue(html.contains("Ckpt overhead"));
        assertTrue(html.contains("memory RSS (MiB)"));
        assertTrue(html.contains("CPU (%)"));
    }

    @Test
    void everyStringFromTheFilesIsEscaped() throws Exception {
        String evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;";
        Path ctl = tmp.resolve("root").resolve("evil<b>");
        new JournalFixture(ctl)
                .attemptStart(T0, 1, evil, evil, null)
                .checkpoint(T0.plusSeconds(30), 1, 1, evil, 100, 10, false, evil)
                .restore(T0.plusSeconds(5), 1, 1, false, 0, evil)
                .attemptEnd(T0.plusSeconds(60), 1, evil, 1, 60)
                .write("{\"event\":\"" + evil)
                .heartbeat(T0.plusSeconds(60), evil, evil)
                .result(evil, 1, 1, 0);
        Files.writeString(ctl.resolve("spec.json"), "{\"checkpoint\":{\"engine\":" + JournalFixture.q(evil) + "}}");
        Files.writeString(ctl.resolve("samples.jsonl"), "not json " + evil + "\n{\"time\":\"2026-11-21T10:00:10Z\",\"rssBytes\":1}\n");

        String html = new HtmlReportRenderer().render(RunReport.load(tmp.resolve("root"), LATER));
        assertFalse(html.contains("<script"), "no script element made it through");
        assertFalse(html.contains("<img"), "no element injected");
        assertFalse(html.contains("<b>"), "the directory name is escaped too");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;"));
        assertTrue(html.contains("evil&lt;b&gt;"));
        assertEquals(1, count(html, "class=\"ckpt-marker "));
        assertTrue(html.contains("trigger-"), "trigger becomes a safe class token");
        assertFalse(Pattern.compile("class=\"[^\"]*[<>'&][^\"]*\"").matcher(html).find(), "class attributes hold tokens only");
    }

    @Test
    void emptyRootRendersAnExplanation() throws Exception {
        String html = new HtmlReportRenderer().render(RunReport.load(Files.createDirectories(tmp.resolve("nothing")), LATER));
        assertTrue(html.contains("No step control directories"));
    }

    @Test
    void discoveryFindsNestedBridgeLayoutsAndSkipsImages() throws Exception {
        Path root = tmp.resolve("nf");
        new JournalFixture(root.resolve("work/ab/12cd").resolve(".crflow")).attemptStart(T0, 1, "1", "h", null).write(null);
        new JournalFixture(root.resolve("work/ef/34gh").resolve(".crflow")).attemptStart(T0, 1, "2", "h", null).write(null);
        // a journal inside a control dir's images must not become a step
        Files.createDirectories(root.resolve("work/ab/12cd/.crflow/images/gen-000001"));
        Files.writeString(root.resolve("work/ab/12cd/.crflow/images/gen-000001/journal.jsonl"), "");
        var found = ControlDirDiscovery.discover(root);
        assertEquals(2, found.size(), found.toString());
        assertEquals("work/ab/12cd/.crflow", found.get(0).name());
    }

    @Test
    void bridgeStepsAreNamedAfterTheirSpecAndDisambiguated() throws Exception {
        Path root = tmp.resolve("smk");
        new JournalFixture(root.resolve("a/.crflow")).spec("align", 3, null, 0).attemptStart(T0, 1, "1", "h", null).write(null);
        new JournalFixture(root.resolve("b/.crflow")).spec("align", 3, null, 0).attemptStart(T0, 1, "2", "h", null).write(null);
        new JournalFixture(root.resolve("c/.crflow")).spec("call", 3, null, 0).attemptStart(T0, 1, "3", "h", null).write(null);
        new JournalFixture(root.resolve("d/.crflow")).attemptStart(T0, 1, "4", "h", null).write(null);
        new JournalFixture(root.resolve("e/.crflow")).spec("COUNT", 3, null, 0).attemptStart(T0, 1, "5", "h", null).write(null);
        Files.writeString(root.resolve("e/.crflow/identity.json"), "{\"process\":\"COUNT\",\"key\":\"ab\",\"firstTask\":\"COUNT (1)\"}");
        var names = RunReport.load(root, LATER).steps().stream().map(StepReport::name).sorted().toList();
        assertEquals(java.util.List.of("COUNT (1)", "align (a/.crflow)", "align (b/.crflow)", "call", "d/.crflow"), names);
    }

    @Test
    void longSampleSeriesAreThinnedButKeepTheirPeaks() throws Exception {
        Path ctl = tmp.resolve("w").resolve(".crflow").resolve("steps").resolve("long");
        JournalFixture f = new JournalFixture(ctl).attemptStart(T0, 1, "1", "h", null);
        int n = 40_000; // 5-second samples over 55 hours
        for (int i = 0; i < n; i++) {
            long rss = (i == 12_345 ? 4000L : 1000L + i % 7) << 20; // one single-sample spike
            f.sample(T0.plusSeconds(5L * i), rss, i * 4.9);
        }
        f.attemptEnd(T0.plusSeconds(5L * n), 1, "completed", 0, 5.0 * n).write(null);
        String html = new HtmlReportRenderer().render(RunReport.load(ReportLocator.searchRootForWorkdir(tmp.resolve("w")),
                Clock.fixed(T0.plusSeconds(6L * n), ZoneOffset.UTC)));
        Matcher m = Pattern.compile("<path class=\"rss\" d=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find());
        int points = m.group(1).split(" ").length;
        assertTrue(points < 3_000, "thinned to what 830 px can show: " + points);
        assertTrue(m.group(1).contains(",16.0"), "the 4000 MiB spike is still drawn at the top of the chart");
        assertTrue(html.length() < 600_000, "page size " + html.length());
    }

    @Test
    void aCrflowRunKeepsTheWorkflowsOrderAndListsStepsNotSubmittedYet() throws Exception {
        Path root = threeSteps(tmp);
        Path state = root.resolve(".crflow");
        Files.writeString(state.resolve("run.json"), "{\"runId\":\"ab12cd34\",\"workflowFile\":\"/home/u/wf.groovy\","
                + "\"workflowName\":\"g4-<sim>\",\"profile\":null,\"executor\":\"slurm\",\"created\":\"2026-11-21T09:00:00Z\"}");
        Files.writeString(state.resolve("workflow.json"), "{\"name\":\"g4-sim\",\"steps\":["
                + "{\"name\":\"prepare\",\"after\":[]},{\"name\":\"simulate\",\"after\":[\"prepare\"]},"
                + "{\"name\":\"summarize\",\"after\":[\"simulate\"]},{\"name\":\"publish\",\"after\":[\"summarize\"]},"
                + "{\"name\":\"../../etc\",\"after\":[]}]}");
        RunReport run = RunReport.load(ReportLocator.searchRootForWorkdir(root), LATER);
        assertEquals(java.util.List.of("prepare", "simulate", "summarize", "publish"), run.steps().stream().map(StepReport::name).toList());
        assertEquals(StepState.NOT_STARTED, run.steps().get(3).state());
        String html = new HtmlReportRenderer().render(run);
        assertTrue(html.contains("<h1>g4-&lt;sim&gt;</h1>"), "the workflow's name, escaped");
        assertTrue(html.contains("executor slurm") && html.contains("run ab12cd34"));
        assertTrue(html.contains("after <a href=\"#step-0\">prepare</a>"));
    }

    @Test
    void aLoneSampleIsADot() throws Exception {
        Path root = tmp.resolve("dot");
        new JournalFixture(root.resolve("short")).attemptStart(T0, 1, "1", "h", null).sample(T0.plusSeconds(1), 20L << 20, 0.5)
                .attemptEnd(T0.plusSeconds(3), 1, "completed", 0, 3).write(null);
        String html = new HtmlReportRenderer().render(RunReport.load(root, LATER));
        assertEquals(1, count(html, "<circle class=\"rss-dot\""));
        assertFalse(html.contains("<path class=\"rss\""));
    }
}
