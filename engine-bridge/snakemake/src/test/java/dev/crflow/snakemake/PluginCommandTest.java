package dev.crflow.snakemake;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

/** The JSON status command's contract without Slurm (its answers are StatusCommand.decide's, tested there). */
class PluginCommandTest {
    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SnakemakeCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new Result(rc, out.toString(), err.toString());
    }

    @Test
    void noJobsIsAnEmptyAnswerWithoutSqueue() {
        Result r = run("plugin", "status", "--");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"jobs\":{}}", r.out().strip());
    }

    @Test
    void anythingButJobIdsIsRefusedBeforeAnythingRuns() {
        Result r = run("plugin", "status", "--", "12", "12;rm -rf /");
        assertEquals(BridgeExit.INVALID_INPUT, r.exit());
        assertTrue(r.err().contains("is not a Slurm job id"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void sidecarRefusesATooShortInterval() {
        Result r = run("sidecar", "--interval", "0.01");
        assertEquals(BridgeExit.INVALID_INPUT, r.exit());
        assertEquals("", r.out(), "no vars line: nothing was started");
    }
}
