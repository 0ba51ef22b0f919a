package dev.crflow.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {
    @TempDir Path tmp;

    private record Outcome(int exit, String out, String err) {}

    private static Outcome run(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void writesTheDefaultPathUnderTheWorkdirAndPrintsIt() throws Exception {
        HtmlReportRendererTest.threeSteps(tmp);
        Outcome o = run("report", "--workdir", tmp.toString());
        assertEquals(0, o.exit(), o.err());
        Path expected = ReportLocator.defaultReportPath(tmp);
        assertEquals(expected.toString(), o.out().strip());
        assertTrue(Files.readString(expected).contains("class=\"ckpt-marker"));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(expected),
                "the page names hosts and paths: owner-only like the rest of the run state");
        assertTrue(o.err().contains("3 step(s)"), o.err());
        try (var leftovers = Files.list(expected.getParent())) {
            assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left behind");
        }
    }

    @Test
    void rootAndOutForBridgeLayoutsWithJson() throws Exception {
        Path root = tmp.resolve("nextflow-work");
        new JournalFixture(root.resolve("ab/12cd/.crflow"))
                .attemptStart(java.time.Instant.parse("2026-11-21T10:00:00Z"), 1, "5", "n1", null)
                .checkpoint(java.time.Instant.parse("2026-11-21T10:01:00Z"), 1, 1, "interval", 500, 1234, true, null)
                .attemptEnd(java.time.Instant.parse("2026-11-21T10:02:00Z"), 1, "completed", 0, 120)
                .write(null);
        Path out = tmp.resolve("pages").resolve("nf.html");
        Outcome o = run("report", "--root", root.toString(), "--out", out.toString(), "--json");
        assertEquals(0, o.exit(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertEquals(out.toAbsolutePath().toString(), json.get("report").asText());
        assertEquals("ab/12cd/.crflow", json.get("steps").get(0).get("name").asText());
        assertEquals(1, json.get("steps").get(0).get("checkpoints").asInt());
        assertEquals(1234, json.get("steps").get(0).get("bytesWritten").asLong());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void noJournalsIsInvalidInputWithAHint() {
        Outcome o = run("report", "--workdir", tmp.toString());
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("no step journals") && o.err().contains("crflow run"), o.err());
    }

    @Test
    void missingDirectoryAndConflictingOptionsAreInvalidInput() {
        assertEquals(2, run("report", "--workdir", tmp.resolve("nope").toString()).exit());
        assertEquals(2, run("report", "--root", tmp.resolve("nope").toString()).exit());
        assertEquals(2, run("report", "--root", tmp.toString(), "--workdir", tmp.toString()).exit());
    }

    @Test
    void helpDescribesTheDefaults() {
        Outcome o = run("report", "--help");
        assertEquals(0, o.exit());
        assertTrue(o.out().contains("--workdir") && o.out().contains("--root") && o.out().contains("report.html"), o.out());
    }

    @Test
    void statusHintPointsAtTheReport() throws Exception {
        assertTrue(ReportLocator.statusHint(tmp).contains("crflow report"));
        HtmlReportRendererTest.threeSteps(tmp);
        run("report", "--workdir", tmp.toString());
        assertTrue(ReportLocator.statusHint(tmp).contains(ReportLocator.defaultReportPath(tmp).toString()));
    }
}
