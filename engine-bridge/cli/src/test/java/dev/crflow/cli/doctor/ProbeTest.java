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
    static final class Slurm implements ProcessRunner {
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
        slurm.squeue = n -> n == 1 ? "RUNNING None" : n == 2 ? "PENDING BeginTime" : "done";
        Clocked clock = new Clocked();
        List<DoctorCheck> checks = new Probe(slurm, clock, d -> clock.now = clock.now.plus(d))
                .run(REQ, root.resolve("ctl"), LAUNCH, Duration.ofMinutes(5), false);
        assertTrue(slurm.calls.contains(List.of("scontrol", "update", "JobId=77", "StartTime=now")), slurm.calls.toString());
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
}
