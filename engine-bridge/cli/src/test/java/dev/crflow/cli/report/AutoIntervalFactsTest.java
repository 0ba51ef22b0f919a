package dev.crflow.cli.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoIntervalFactsTest {
    @TempDir Path tmp;
    static final Clock LATER = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    static final String JOURNAL = """
            {"event":"attempt-start","time":"2026-11-21T10:00:00Z","attempt":1,"jobId":"77","host":"n1"}
            {"event":"interval","time":"2026-11-21T10:00:01Z","attempt":1,"trigger":"attempt-start","intervalSeconds":1863.3,"bound":"daly","dalySeconds":1863.3,"checkpointSeconds":30.0,"checkpointSamples":0,"mtbiSeconds":70187.0,"interruptions":0,"observedSeconds":0.0,"priorRate":0.05,"priorFromSettings":false,"untilWarningSeconds":null}
            {"event":"checkpoint","time":"2026-11-21T10:31:00Z","attempt":1,"generation":1,"trigger":"interval","durationMs":2100,"bytes":10,"ok":true}
            {"event":"interval","time":"2026-11-21T10:31:01Z","attempt":1,"trigger":"checkpoint","intervalSeconds":540.0,"bound":"daly","dalySeconds":540.0,"checkpointSeconds":2.1,"checkpointSamples":1,"mtbiSeconds":70187.0,"interruptions":0,"observedSeconds":1860.0,"priorRate":0.05,"priorFromSettings":false,"untilWarningSeconds":null}
            """;

    @Test
    void theNewestChoiceWithItsInputsReachesTheReport() throws Exception {
        Path ctl = Files.createDirectories(tmp.resolve(".crflow/steps/sim"));
        Files.writeString(ctl.resolve("journal.jsonl"), JOURNAL);
        StepReport s = new ControlDirReader(LATER).read(new StepModel.Source("sim", ctl));
        AutoIntervalFacts a = s.autoInterval().orElseThrow();
        assertEquals(540.0, a.intervalSeconds());
        assertEquals("checkpoint", a.trigger());
        assertEquals(2, a.choices());
        assertEquals("every 9m 00s (daly: checkpoint 2.1 s (mean of 1), 0 interruptions in 31m 00s, mean time between 19h 29m,"
                + " prior 0.05 per attempt (default))", a.describe());
        String html = new HtmlReportRenderer().render(RunReport.load(tmp, LATER));
        assertTrue(html.contains("interval (auto)"), "the step's facts name the choice");
    }

    @Test
    void aFixedIntervalHasNoFacts() throws Exception {
        Path ctl = Files.createDirectories(tmp.resolve(".crflow/steps/fixed"));
        Files.writeString(ctl.resolve("journal.jsonl"), JOURNAL.lines().filter(l -> !l.contains("\"interval\",")).reduce("", (x, y) -> x + y + "\n"));
        StepReport s = new ControlDirReader(LATER).read(new StepModel.Source("fixed", ctl));
        assertTrue(s.autoInterval().isEmpty());
        assertFalse(new HtmlReportRenderer().render(RunReport.load(tmp, LATER)).contains("interval (auto)"));
    }
}
