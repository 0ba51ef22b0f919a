package dev.crflow.snakemake;

import dev.crflow.coordinator.control.Result;
import dev.crflow.executor.slurm.QueueEntry;
import dev.crflow.executor.slurm.QueueQuery;
import dev.crflow.executor.slurm.QueueSnapshot;
import dev.crflow.executor.slurm.SlurmClient;
import dev.crflow.executor.ExecutorException;
import dev.crflow.executor.lifecycle.LifecycleAction;
import dev.crflow.executor.lifecycle.StepLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Print running, success or failed for one job (Snakemake's --cluster-status).",
                "Requeued and pending-after-requeue jobs are running; when squeue does",
                "not answer the job is running (never failed). success only when crflow's coordinator recorded",
                "completion. All status calls share one squeue snapshot (a file cache with a short time-to-live)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                BridgeExit.OK + ":a status was printed",
                BridgeExit.INVALID_INPUT + ":JOBID is not a Slurm job id"})
public final class StatusCommand implements Callable<Integer> {
    private static final Pattern JOB_ID = Pattern.compile("\\d+(_\\d+)?");
    static final Duration HEARTBEAT_FRESH = Duration.ofSeconds(30);
    /** Written once this command told Snakemake "success": a later submission of the same job is a real rerun. */
    static final String REPORTED = "reported-success";

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOBID") String jobId;

    @Option(names = "--root", paramLabel = "DIR", description = "the bridge's root (as given to submit); default: $CRFLOW_SNAKEMAKE_ROOT or ./.crflow/snakemake")
    Path root;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "2",
            description = "how long one squeue snapshot serves every status call (default: ${DEFAULT-VALUE} s)")
    double ttlSeconds;

    @Option(names = "--verbose", description = "say why on stderr, whatever the answer (failed always says why)")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String id = jobId.strip();
        if (!JOB_ID.matcher(id).matches()) {
            err.println("crflow: '" + jobId + "' is not a Slurm job id");
            return BridgeExit.INVALID_INPUT;
        }
        SlurmClient slurm = Slurm.client();
        String user = System.getProperty("user.name");
        SharedQueueSnapshot shared = new SharedQueueSnapshot(SharedQueueSnapshot.defaultCacheDir(), user,
                Duration.ofMillis(Math.round(ttlSeconds * 1000)), Clock.systemUTC(), () -> slurm.queue(QueueQuery.byUser(user)));
        SnakemakeStatus.Decision d = decide(id, shared, SubmitCommand.bridgeRoot(root, Path.of("").toAbsolutePath()), slurm);
        out.println(d.status().word());
        out.flush();
        if (verbose || d.status() == SnakemakeStatus.FAILED) err.println("crflow: job " + id + ": " + d.why());
        return BridgeExit.OK;
    }

    static SnakemakeStatus.Decision decide(String id, SharedQueueSnapshot shared, BridgeRoot bridge, SlurmClient slurm) {
        QueueSnapshot snap;
        try {
            snap = shared.get();
        } catch (IOException e) {
            // No usable cache (e.g. an unwritable home): ask squeue directly rather than answer "running" forever.
            System.err.println("crflow: cannot use the squeue cache " + shared.cacheFile() + " (" + e.getMessage()
                    + "); set CRFLOW_CACHE_DIR to a writable folder");
            snap = slurm.queue(QueueQuery.byUser(System.getProperty("user.name")));
        }
        SnakemakeStatus.Decision d = judge(id, snap, bridge, slurm, Clock.systemUTC());
        bridge.lookup(id).ifPresent(j -> tendOutputs(j, d.status()));
        return d;
    }

    /**
     * The one judgement of a job, shared by this command and the sidecar ({@link SidecarJudge}): the result, the
     * queue, the heartbeat through {@link SnakemakeStatus#decide}, and the driver's half of a requeue-hold release.
     */
    static SnakemakeStatus.Decision judge(String id, QueueSnapshot snap, BridgeRoot bridge, SlurmClient slurm, Clock clock) {
        Optional<BridgeRoot.IndexedJob> indexed = bridge.lookup(id);
        Optional<Result> result = indexed.flatMap(j -> j.control().readResult());
        Optional<QueueEntry> entry = snap.job(id);
        boolean listedSinceSubmit = indexed.map(j -> !snap.takenAt().isBefore(j.submitted())).orElse(true);
        boolean alive = indexed.flatMap(j -> j.control().heartbeatTime())
                .map(t -> Duration.between(t, clock.instant()).compareTo(HEARTBEAT_FRESH) < 0).orElse(false);
        if (entry.isPresent() && entry.get().inRequeueHold() && indexed.isPresent() && result.isEmpty()) {
            // the coordinator does it too; this is the driver's half, done where every front end does it
            StepLifecycle life = new StepLifecycle(Slurm.executor(slurm), indexed.get().control(), clock, Duration.ZERO);
            try {
                life.perform(List.of(new LifecycleAction.ReleaseRequeueHold(id)), resubmit -> { });
            } catch (ExecutorException ignored) {
                // still running; the next call tries again
            }
        }
        return SnakemakeStatus.decide(snap.known(), entry, result, listedSinceSubmit, alive);
    }

    /** Keeps a running job's outputs netted and puts back any that a restarted Snakemake deleted (see OutputNet). */
    private static void tendOutputs(BridgeRoot.IndexedJob job, SnakemakeStatus status) {
        Optional<OutputNet.JobFacts> facts = OutputNet.readFacts(job.control().path());
        if (facts.isEmpty()) return;
        OutputNet.restore(facts.get());
        if (status == SnakemakeStatus.RUNNING) {
            OutputNet.guard(facts.get());
        } else if (status == SnakemakeStatus.SUCCESS) {
            try {
                dev.crflow.executor.control.PrivateFiles.writeAtomically(job.control().path().resolve(REPORTED), Instant.now() + "\n");
            } catch (IOException ignored) {
                // then a rerun of the same job reports it again instead of recomputing: harmless
            }
            OutputNet.release(facts.get());
        }
    }
}
