package dev.crflow.cli.doctor;

import dev.crflow.executor.slurm.CoordinatorLaunch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeScriptTest {
    static final CoordinatorLaunch LAUNCH = new CoordinatorLaunch(Path.of("/opt/crflow rel/runtime/bin/java"),
            Path.of("/opt/crflow rel/lib/crflow-coordinator.jar"), CoordinatorLaunch.DEFAULT_JVM_FLAGS);

    @Test
    void timeLimitIsTheLeadPlusTenSecondsInWholeMinutes() {
        assertEquals(1, req(Duration.ofSeconds(50)).timeLimitMinutes());
        assertEquals(2, req(Duration.ofSeconds(51)).timeLimitMinutes());
        assertEquals(3, req(Duration.ofMinutes(2)).timeLimitMinutes());
    }

    @Test
    void theWaitForTheWarningEndsAfterItIsDueAndBeforeTheTimeLimit() {
        for (int lead : new int[] {4, 20, 50, 51, 110, 600}) {
            ProbeScript.Request r = req(Duration.ofSeconds(lead));
            int limit = r.timeLimitMinutes() * 60, wait = r.waitForSignalSeconds();
            assertTrue(wait < limit, lead + ": " + wait + " < " + limit);
            assertTrue(wait > limit - lead, lead + ": the warning is due at " + (limit - lead) + ", the wait ends at " + wait);
        }
        assertTrue(ProbeScript.render(req(Duration.ofSeconds(50)), Path.of("/d"), LAUNCH).contains("limit=50\n"));
    }

    @Test
    void rendersTheRealSignalRequeueAndQuotedValues() {
        ProbeScript.Request r = new ProbeScript.Request(Optional.of("long q"), Optional.of("acct"), Optional.empty(),
                Duration.ofSeconds(50), List.of(ProbeScript.Engine.DMTCP), List.of("dmtcp/3.0; rm -rf x"));
        String s = ProbeScript.render(r, Path.of("/scratch/it's/doctor-1"), LAUNCH);
        assertTrue(s.contains("#SBATCH --signal=B:USR1@50\n"), s);
        assertTrue(s.contains("#SBATCH --time=1\n"), s);
        assertTrue(s.contains("#SBATCH --requeue\n"), s);
        assertTrue(s.contains("#SBATCH --partition='long q'\n"), s);
        assertTrue(s.contains("D='/scratch/it'\\''s/doctor-1'\n"), s);
        assertTrue(s.contains("'/opt/crflow rel/runtime/bin/java' '-XX:+UseSerialGC'"), s);
        assertTrue(s.contains("module load 'dmtcp/3.0; rm -rf x'"), s);
        assertTrue(s.contains("scontrol requeue \"$SLURM_JOB_ID\""), s);
        assertTrue(s.contains("StartTime=now"), s);
        assertTrue(s.contains("> \"$D/engine-dmtcp.out\""), s);
    }

    private static ProbeScript.Request req(Duration lead) {
        return new ProbeScript.Request(Optional.empty(), Optional.empty(), Optional.empty(), lead, List.of(), List.of());
    }
}
