package dev.crflow.snakemake;

import dev.crflow.executor.slurm.JobDetails;
import dev.crflow.executor.slurm.QueueEntry;
import dev.crflow.executor.slurm.QueueQuery;
import dev.crflow.executor.slurm.QueueSnapshot;
import dev.crflow.executor.slurm.SlurmClient;
import dev.crflow.executor.slurm.SlurmState;
import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The sidecar's rounds (fake squeue, real files) and the real POSIX sh status client the profile writes, run by
 * /bin/sh against the sidecar's directory, with a stand-in "full status command" that records it was called.
 */
class SidecarTest {
    @TempDir Path tmp;

    private final AtomicInteger squeues = new AtomicInteger();
    private final AtomicReference<List<QueueEntry>> queue = new AtomicReference<>(List.of());
    private final List<String> released = new CopyOnWriteArrayList<>();

    private SlurmClient slurm() {
        return new SlurmClient() {
            @Override public String submit(Path script, List<String> arguments) { throw new UnsupportedOperationException(); }
            @Override public QueueSnapshot queue(QueueQuery query) {
                squeues.incrementAndGet();
                return QueueSnapshot.of(Instant.now(), queue.get());
            }
            @Override public Optional<JobDetails> showJob(String jobId) { return Optional.empty(); }
            @Override public void cancel(String jobId) {}
            @Override public void signal(String jobId, String signal, boolean batchOnly) {}
            @Override public void requeue(String jobId) {}
            @Override public void releaseRequeueHold(String jobId) { released.add(jobId); }
            @Override public void excludeNodes(String jobId, Collection<String> nodes) {}
            @Override public boolean accountingAvailable() { return false; }
            @Override public void ping() {}
        };
    }

    private static QueueEntry entry(String id, SlurmState state, String reason) {
        return new QueueEntry(id, id, "N/A", "smk.k" + id, state, reason, List.of());
    }

    private Sidecar sidecar(BridgeRoot bridge, Instant started) throws Exception {
        SlurmClient slurm = slurm();
        SharedQueueSnapshot shared = new SharedQueueSnapshot(tmp.resolve("cache"), "alice", Duration.ofMillis(1),
                Clock.systemUTC(), () -> slurm.queue(QueueQuery.byUser("alice")));
        return new Sidecar(tmp.resolve("sidecar"), bridge, shared, new SidecarJudge(bridge, slurm, Clock.systemUTC()), started);
    }

    @Test
    void runningJobsGetAnAnswerFileAndFinalOnesNever() throws Exception {
        BridgeRoot bridge = new BridgeRoot(tmp.resolve("root"));
        Instant start = Instant.now().minusSeconds(1);
        for (String id : List.of("11", "12", "13")) {
            bridge.control("k" + id).create();
            bridge.index(id, "k" + id);
        }
        Files.writeString(bridge.control("k12").result(), "{\"outcome\":\"COMPLETED\",\"exitCode\":0}");
        queue.set(List.of(entry("11", SlurmState.RUNNING, "None"), entry("12", SlurmState.COMPLETED, "None")));
        // 13: not listed, no heartbeat, no result: failed
        Sidecar s = sidecar(bridge, start);
        Sidecar.Round r = s.round();
        assertEquals(new Sidecar.Round(3, 1, true), r);
        assertEquals(1, squeues.get(), "one squeue for the whole round");
        Path answers = s.dir().resolve(Sidecar.ANSWERS);
        assertTrue(Files.isRegularFile(answers.resolve("11")));
        assertFalse(Files.exists(answers.resolve("12")), "success is the status command's to say and record");
        assertFalse(Files.exists(answers.resolve("13")), "failed too");
        assertFalse(Files.exists(bridge.control("k12").path().resolve(StatusCommand.REPORTED)),
                "the sidecar never records that Snakemake was told success");

        queue.set(List.of());   // 11 vanished without a result: final; its answer goes
        assertEquals(new Sidecar.Round(1, 0, true), s.round(), "final jobs are not tracked again");
        assertFalse(Files.exists(answers.resolve("11")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.dir())));
        s.close();
        assertFalse(Files.exists(s.dir()));
    }

    @Test
    void jobsIndexedBeforeTheSidecarStartedAreTrackedOnlyWhenWanted() throws Exception {
        BridgeRoot bridge = new BridgeRoot(tmp.resolve("root"));
        bridge.control("k21").create();
        bridge.index("21", "k21");
        Files.setLastModifiedTime(bridge.jobIndex("21"), java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));
        queue.set(List.of(entry("21", SlurmState.PENDING, "BeginTime")));
        Sidecar s = sidecar(bridge, Instant.now().minusSeconds(1));
        assertEquals(0, s.round().tracked(), "an old job of an earlier run is not polled for nothing");
        Files.writeString(s.dir().resolve(Sidecar.WANTED).resolve("21"), "");
        assertEquals(new Sidecar.Round(1, 1, true), s.round());
        assertTrue(Files.exists(s.dir().resolve(Sidecar.ANSWERS).resolve("21")));
        assertFalse(Files.exists(s.dir().resolve(Sidecar.WANTED).resolve("21")));
        assertEquals(List.of("21"), released, "PENDING/BeginTime is the requeue hold: released");
        s.close();
    }

    @Test
    void requeueHoldIsReleasedBySidecarRounds() throws Exception {
        BridgeRoot bridge = new BridgeRoot(tmp.resolve("root"));
        bridge.control("k31").create();
        bridge.index("31", "k31");
        queue.set(List.of(entry("31", SlurmState.REQUEUE_HOLD, "JobHeldAdmin")));
        Sidecar s = sidecar(bridge, Instant.now().minusSeconds(1));
        assertEquals(1, s.round().running());
        assertEquals(List.of("31"), released);
        s.close();
    }

    /** The client's three paths, with /bin/sh itself. */
    @Test
    void shellClientAnswersRunningFromTheFileAndElseRunsTheStatusCommand() throws Exception {
        Path calls = tmp.resolve("full-status-calls");
        Path fake = tmp.resolve("fake-bridge");
        Files.writeString(fake, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\necho success\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path profile = tmp.resolve("my profile");
        ProfileWriter w = new ProfileWriter(List.of(fake.toString()), Optional.empty(), 10, 5, 0, profile, ProfileWriter.Target.SNAKEMAKE_7);
        w.write();
        Path client = profile.resolve(ProfileWriter.STATUS_SCRIPT);
        Path dir = Files.createDirectories(tmp.resolve("side car:dir"));
        Files.createDirectories(dir.resolve("answers"));
        Files.createDirectories(dir.resolve("wanted"));
        Files.writeString(dir.resolve("answers").resolve("41"), "running\n");
        String vars = Sidecar.varsLine(ProcessHandle.current().pid(), dir);

        assertEquals("running", runClient(client, vars, "41"));
        assertFalse(Files.exists(calls), "answered without starting anything");

        assertEquals("success", runClient(client, vars, "42"), "no answer file: the full status command decides");
        assertEquals(List.of("status 42"), Files.readAllLines(calls));
        assertTrue(Files.exists(dir.resolve("wanted").resolve("42")), "and the sidecar tracks it from now on");

        assertEquals("success", runClient(client, "crflow-sidecar:999999999:" + dir, "41"), "a dead sidecar's files are not trusted");
        assertEquals("success", runClient(client, null, "41"), "no sidecar");
        assertEquals("success", runClient(client, "crflow-sidecar:" + ProcessHandle.current().pid() + ":/nonexistent", "43"),
                "a vanished directory is not an error");
        assertEquals("success", runClient(client, vars, "41;rm -rf x"), "not a job id: the status command rejects it");
        assertEquals(5, Files.readAllLines(calls).size());
    }

    private String runClient(Path client, String vars, String jobId) throws Exception {
        // as Snakemake runs it: "{statuscmd} '{jobid}'" through the shell
        String statusCmd = ShellWords.quote(client.toString());
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", statusCmd + " '" + jobId.replace("'", "") + "'");
        Map<String, String> env = pb.environment();
        if (vars == null) env.remove("SNAKEMAKE_CLUSTER_SIDECAR_VARS");
        else env.put("SNAKEMAKE_CLUSTER_SIDECAR_VARS", vars);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void cancelRequestsBecomeOneScancelPer200Ids() throws Exception {
        Sidecar s = sidecar(new BridgeRoot(tmp.resolve("root")), Instant.now());
        for (int i = 1; i <= 250; i++) Files.writeString(s.dir().resolve(Sidecar.CANCEL).resolve(String.valueOf(i)), "");
        Files.writeString(s.dir().resolve(Sidecar.CANCEL).resolve("x;y"), "");
        List<List<String>> runs = new CopyOnWriteArrayList<>();
        ProcessRunner runner = (cmd, timeout) -> {
            runs.add(cmd);
            return new ProcessResult(0, "", "", false);
        };
        StringWriter err = new StringWriter();
        assertEquals(250, s.cancelRequested(runner, new PrintWriter(err)).size());
        assertEquals(2, runs.size(), "one scancel per 200 ids");
        assertEquals("scancel", runs.get(0).get(0));
        assertEquals(201, runs.get(0).size());
        assertEquals(51, runs.get(1).size());
        try (var left = Files.list(s.dir().resolve(Sidecar.CANCEL))) {
            assertEquals(0, left.count(), "requests are consumed (a foreign name too)");
        }
        assertTrue(s.cancelRequested(runner, new PrintWriter(err)).isEmpty());
        assertEquals(2, runs.size());
        s.close();
    }

    /** The cancel client with /bin/sh: to a live sidecar's directory, else the cancel command. */
    @Test
    void shellCancelClientHandsIdsToTheSidecar() throws Exception {
        Path calls = tmp.resolve("full-cancel-calls");
        Path fake = tmp.resolve("fake-bridge");
        Files.writeString(fake, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path profile = tmp.resolve("prof");
        new ProfileWriter(List.of(fake.toString()), Optional.empty(), 10, 5, 0, profile, ProfileWriter.Target.SNAKEMAKE_7).write();
        Path client = profile.resolve(ProfileWriter.CANCEL_SCRIPT);
        Path dir = Files.createDirectories(tmp.resolve("sc"));
        Files.createDirectories(dir.resolve("cancel"));
        String vars = Sidecar.varsLine(ProcessHandle.current().pid(), dir);

        assertEquals(0, runCancel(client, vars, "5", "6_1"));
        assertTrue(Files.exists(dir.resolve("cancel/5")) && Files.exists(dir.resolve("cancel/6_1")));
        assertFalse(Files.exists(calls), "no JVM");

        assertEquals(0, runCancel(client, "crflow-sidecar:999999999:" + dir, "7"));
        assertEquals(List.of("cancel 7"), Files.readAllLines(calls), "dead sidecar: the cancel command");
        assertEquals(0, runCancel(client, vars, "8", "9;x"));
        assertEquals("cancel 8 9;x", Files.readAllLines(calls).get(1), "not all job ids: the command (which refuses them)");
        assertFalse(Files.exists(dir.resolve("cancel/8")));
    }

    private int runCancel(Path client, String vars, String... ids) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(client.toString()));   // as Snakemake: no shell
        cmd.addAll(List.of(ids));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SNAKEMAKE_CLUSTER_SIDECAR_VARS", vars);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }
}
