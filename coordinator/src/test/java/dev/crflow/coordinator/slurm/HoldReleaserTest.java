package dev.crflow.coordinator.slurm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The helper's loop run by the real /bin/sh against a scripted {@code scontrol} on PATH (real Slurm: the resume benchmark). */
class HoldReleaserTest {
    @TempDir Path tmp;

    /** A fake scontrol: {@code show} prints the next line of states.txt (the last one forever); {@code update} is logged. */
    Path fakeScontrol(String... states) throws Exception {
        Files.write(tmp.resolve("states.txt"), List.of(states));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path s = bin.resolve("scontrol");
        Files.writeString(s, String.join("\n",
                "#!/bin/sh",
                "d=" + tmp,
                "if [ \"$1\" = show ]; then",
                "  n=$(cat $d/n 2>/dev/null || echo 1); total=$(wc -l < $d/states.txt)",
                "  [ $n -gt $total ] && n=$total",
                "  sed -n ${n}p $d/states.txt; echo $((n+1)) > $d/n; exit 0",
                "fi",
                "echo \"$*\" >> $d/updates.txt", ""));
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    int runLoop(Path bin, String jobId) throws Exception {
        List<String> cmd = HoldReleaser.command(jobId, Duration.ofSeconds(20));
        assertEquals(List.of("setsid", "-f", "/bin/sh", "-c"), cmd.subList(0, 4));
        ProcessBuilder pb = new ProcessBuilder(cmd.subList(2, cmd.size())); // the loop itself, not detached
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    String updates() throws Exception {
        Path u = tmp.resolve("updates.txt");
        return Files.exists(u) ? Files.readString(u).strip() : "";
    }

    @Test
    void waitsForTheBatchStepToEndThenReleasesTheHoldOnce() throws Exception {
        Path bin = fakeScontrol("JobId=7 JobState=COMPLETING Reason=None Restarts=1",
                "JobId=7 JobState=COMPLETING Reason=None Restarts=1",
                "JobId=7 JobState=PENDING Reason=BeginTime Dependency=(null) Restarts=1");
        assertEquals(0, runLoop(bin, "7"));
        assertEquals("update JobId=7 StartTime=now", updates());
    }

    @Test
    void leavesAJobAloneThatADriverReleasedOrThatRunsAgain() throws Exception {
        assertEquals(0, runLoop(fakeScontrol("JobId=7 JobState=PENDING Reason=Priority Restarts=1"), "7"));
        assertEquals("", updates());
        assertEquals(0, runLoop(fakeScontrol("JobId=7 JobState=RUNNING Reason=None Restarts=1"), "7"));
        assertEquals("", updates());
    }

    @Test
    void theJobIdIsAnArgumentNotShellText() {
        List<String> cmd = HoldReleaser.command("1; rm -rf /", Duration.ofSeconds(5));
        assertEquals("1; rm -rf /", cmd.get(6));
        assertTrue(!cmd.get(4).contains("rm -rf"));
    }
}
