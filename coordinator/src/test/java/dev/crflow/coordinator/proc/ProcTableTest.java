package dev.crflow.coordinator.proc;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a CRIU restore needs free: numbers in use as pids, process groups or sessions (real /proc). */
class ProcTableTest {
    @Test
    void thisJvmHoldsItsOwnPidAndASessionListsItsLeaderFirst() throws Exception {
        int me = (int) ProcessHandle.current().pid();
        ProcTable.Holder h = ProcTable.firstTaken(List.of(me)).orElseThrow();
        assertEquals(me, h.number());
        assertEquals("pid", h.role());

        Process p = new ProcessBuilder("setsid", "sleep", "30").start();
        try {
            int sid = (int) p.pid();
            assertEquals(List.of(sid), ProcTable.session(sid));
            assertTrue(ProcTable.firstTaken(List.of(sid)).isPresent());
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertTrue(ProcTable.firstTaken(List.of(Integer.MAX_VALUE)).isEmpty());
    }
}
