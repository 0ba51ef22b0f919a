package dev.crflow.executor.process;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executor's runner is the coordinator's launcher behind the executor's seam: same results, real processes. */
class SystemProcessRunnerTest {
    private final ProcessRunner runner = new SystemProcessRunner();

    @Test
    void capturesBothStreamsAndTheExitCode() throws Exception {
        ProcessResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        assertFalse(r.timedOut());
        assertFalse(r.ok());
        assertEquals("err", r.diagnostic());
    }

    @Test
    void passesExtraEnvironmentAndArgumentsVerbatim() throws Exception {
        ProcessResult r = runner.run(List.of("sh", "-c", "printf '%s|%s' \"$CRFLOW_T\" \"$1\"", "sh", "a b;$(x)"),
                Map.of("CRFLOW_T", "v 1"), Duration.ofSeconds(30));
        assertTrue(r.ok(), r.diagnostic());
        assertEquals("v 1|a b;$(x)", r.stdout());
    }

    @Test
    void aCommandPastItsTimeoutIsKilledAndReportedAsTimedOut() throws Exception {
        ProcessResult r = runner.run(List.of("sleep", "600"), Duration.ofMillis(200));
        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        assertFalse(r.ok());
    }
}
