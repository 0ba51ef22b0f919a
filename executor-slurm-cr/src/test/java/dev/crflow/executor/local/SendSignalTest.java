package dev.crflow.executor.local;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local executor's warning signal goes out through kill(2) (JNA), named as the DSL names it. */
class SendSignalTest {

    @Test
    void deliversTheNamedSignalToTheProcess() throws Exception {
        Process p = new ProcessBuilder("sleep", "600").start();
        try {
            LocalStepExecutor.sendSignal(p.pid(), "USR1");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "sleep ends on SIGUSR1 (default action)");
            assertEquals(128 + 10, p.exitValue(), "killed by signal 10, not TERM or KILL");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aProcessAlreadyGoneIsNotAnError() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        LocalStepExecutor.sendSignal(p.pid(), "TERM");
    }

    @Test
    void aMalformedNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LocalStepExecutor.sendSignal(12345, "USR1; rm"));
    }
}
