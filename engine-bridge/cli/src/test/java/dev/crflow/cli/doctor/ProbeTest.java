package dev.crflow.cli.doctor;

import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;
import dev.crflow.executor.process.Sleeper;
import dev.crflow.executor.slurm.CoordinatorLaunch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login side of the probe with a scripted Slurm and a clock that moves only when the probe sleeps. */
class ProbeTest {
    @TempDir Path root;

    static final CoordinatorLaunch LAUNCH = new CoordinatorLaunch(Path.of("/r/runtime/bin/java"), Path.of("/r/lib/c.jar"), List.of());
    static final ProbeScript.Request REQ = new ProbeScript.Request(Optional.empty(), Optional.empty(), Optional.empty(),
            Duration.ofSeconds(50), List.of(), List.of());

    static final class Clocked extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** Records commands; answers squeue by the number of polls so far; sbatch remembers the probe directory. */
    static class Slurm implements ProcessRunner {
        final List<List<String>> calls = new ArrayList<>();
        Path dir;
        int polls;
        Function<Integer, String> squeue = n -> "RUNNING None";

        @Override
        public ProcessResult run(List<String> command, Duration timeout) {
            calls.add(command);
            switch (command.get(0)) {
                case "sbatch" -> {
                    dir = Path.of(command.get(2)).getParent();
                    return new ProcessResult(0, "77\n", "", false);
                }
                case "squeue" -> {
                    String out = squeue.apply(++polls);
                    return out.equals("done") ? writeDone() : new ProcessResult(0, out + "\n", "", false);
                }
                default -> {
                    return new ProcessResult(0, "", "", false);
                }
            }
        }

        private ProcessResult writeDone() {
            try {
                Files.writeString(dir.resolve("node"), "n1");
                Files.writeString(dir.resolve("token.seen"), Files.readString(dir.resolve("token")));
                Files.writeString(dir.resolve("done"), "done");
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
            return new ProcessResult(0, "RUNNING None\n", "", false);
        }
    }

    @Test
    void releasesTheRequeueHoldFromTheLoginSideAndReadsTheResults() throws Exception {
        Slurm slurm = new Slurm();
        slurm.squeue = n -> n == 1 ? "RUNNING None" : n <= 4 ? "PENDING BeginTime" : "done";
        Clocked clock = new Clocked();
        List<DoctorCheck> checks = new Probe(slurm, clock, d -> clock.now = clock.now.plus(d))
                .run(REQ, root.resolve("ctl"), LAUNCH, Duration.ofMinutes(5), false);
        List<String> release = List.of("scontrol", "update", "JobId=77", "StartTime=now");
        assertTrue(slurm.calls.contains(release), slurm.calls.toString());
        // not in the poll that first saw the hold: slurmd refuses a launch in the same second as the requeue
        int firstHeld = 3; // sbatch, squeue (RUNNING), squeue (PENDING BeginTime) ...
        assertEquals(List.of("squeue", "-h", "-j", "77", "-o", "%T %r"), slurm.calls.get(firstHeld - 1));
        assertFalse(slurm.calls.get(firstHeld).equals(release), "released at once: " + slurm.calls);
        DoctorCheck shared = checks.stream().filter(c -> c.name().equals("control-shared")).findFirst().orElseThrow();
        assertTrue(shared.ok(), checks.toString());
        assertFalse(Files.exists(slurm.dir), "the probe directory is removed without --keep");
    }

    @Test
    void cancelsTheJobWhenTheDeadlinePasses() throws Exception {
        Slurm slurm = new Slurm();
        slurm.squeue = n -> "PENDING Priority";
        Clocked clock = new Clocked();
        Sleeper sleeper = d -> clock.now = clock.now.plus(d);
        List<DoctorCheck> checks = new Probe(slurm, clock, sleeper).run(REQ, root.resolve("ctl"), LAUNCH, Duration.ofSeconds(30), true);
        assertEquals(List.of("scancel", "77"), slurm.calls.get(slurm.calls.size() - 1));
        assertFalse(checks.get(0).ok());
        assertTrue(checks.get(0).detail().contains("did not finish within 30s"), checks.toString());
        assertTrue(Files.isDirectory(slurm.dir), "--keep keeps the probe directory");
    }

    @Test
    void aJobThatLeftTheQueueWithoutFinishingIsNotAPass() throws Exception {
        Slurm slurm = new Slurm();
        slurm.squeue = n -> n == 1 ? "RUNNING None" : "";
        Clocked clock = new Clocked();
        List<DoctorCheck> checks = new Probe(slurm, clock, d -> clock.now = clock.now.plus(d))
                .run(REQ, root.resolve("ctl"), LAUNCH, Duration.ofMinutes(5), false);
        assertTrue(checks.stream().noneMatch(DoctorCheck::ok), checks.toString());
        assertTrue(checks.get(0).detail().contains("ended (RUNNING) without finishing"), checks.toString());
    }

    @Test
    void aFailingSqueueIsUnknownNotGone() throws Exception {
        Slurm slurm = new Slurm() {
            @Override
            public ProcessResult run(List<String> command, Duration timeout) {
                if (command.get(0).equals("squeue") && polls < 6) {
                    calls.add(command);
                    polls++;
                    return new ProcessResult(1, "", "slurm_load_jobs error: Socket timed out on send/recv operation", false);
                }
                return super.run(command, timeout);
            }
        };
        slurm.squeue = n -> "done";
        Clocked clock = new Clocked();
        List<DoctorCheck> checks = new Probe(slurm, clock, d -> clock.now = clock.now.plus(d))
                .run(REQ, root.resolve("ctl"), LAUNCH, Duration.ofMinutes(5), false);
        assertTrue(checks.get(0).ok(), "six failed squeue calls did not end the probe: " + checks);
        assertTrue(checks.get(0).detail().contains("finished"), checks.toString());
    }

    @Test
    void aJobSlurmForgotIsGone() throws Exception {
        Slurm slurm = new Slurm() {
            @Override
            public ProcessResult run(List<String> command, Duration timeout) {
                if (command.get(0).equals("squeue")) {
                    calls.add(command);
                    return new ProcessResult(1, "", "slurm_load_jobs error: Invalid job id specified", false);
                }
                return super.run(command, timeout);
            }
        };
        Clocked clock = new Clocked();
        List<DoctorCheck> checks = new Probe(slurm, clock, d -> clock.now = clock.now.plus(d))
                .run(REQ, root.resolve("ctl"), LAUNCH, Duration.ofMinutes(5), false);
        assertFalse(checks.get(0).ok(), checks.toString());
        assertTrue(checks.get(0).detail().contains("without finishing"), checks.toString());
    }
}
