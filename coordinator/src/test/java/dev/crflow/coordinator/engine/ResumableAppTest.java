package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumableAppTest {
    /** A process group that is either running or ended with a status. */
    private record Group(int pgid, OptionalInt status) implements AppProcess {
        @Override public boolean isAlive() { return status.isEmpty(); }
        @Override public OptionalInt waitFor(Duration timeout) { return status; }
        @Override public boolean signalGroup(int signal) { return status.isEmpty(); }
        @Override public boolean groupAlive() { return status.isEmpty(); }
    }

    @Test
    void afterAReplacementEveryCallReadsTheNewProcesses() throws Exception {
        ResumableApp app = new ResumableApp(new Group(100, OptionalInt.empty()));
        assertEquals(100, app.pgid());
        app.replace(new Group(200, OptionalInt.empty()));  // killed by --kcheckpoint, restarted from the image
        assertEquals(200, app.pgid());
        assertTrue(app.isAlive());
        assertEquals(OptionalInt.empty(), app.waitFor(Duration.ZERO));
    }

    @Test
    void aFailedResumeIsAnEngineFailureNotTheKilledProcessesStatus() throws Exception {
        ResumableApp app = new ResumableApp(new Group(100, OptionalInt.of(137)));
        app.resumeFailed(DmtcpEngine.DMTCP_FAIL_RC);
        assertFalse(app.isAlive());
        assertEquals(OptionalInt.of(99), app.waitFor(Duration.ofSeconds(1)));
        assertTrue(new DmtcpEngine(null, java.util.Optional.empty()).isEngineFailure(app.waitFor(Duration.ZERO).getAsInt(), false));
    }
}
