package dev.crflow.snakemake;

import dev.crflow.executor.process.ProcessRunner;
import dev.crflow.executor.process.SystemProcessRunner;
import dev.crflow.executor.slurm.QueueQuery;
import dev.crflow.executor.slurm.SlurmClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = {"Long-lived status keeper for Snakemake 7's --cluster-sidecar (the profile's crflow-sidecar).",
                "Prints one line (PID and a private 0700 directory), which Snakemake hands to every status call as",
                "SNAKEMAKE_CLUSTER_SIDECAR_VARS; then, every interval, decides every job this Snakemake submitted from",
                "ONE shared squeue snapshot and keeps a file per running job, which the status client reads without",
                "starting a JVM. Final answers always come from `crflow snakemake status`. Also runs the scancel the",
                "cancel client asks for (Snakemake allows its cancel command 2 s). Listens on no socket.",
                "Ends on SIGTERM (Snakemake's) or when the process that started it is gone."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ended because Snakemake ended", "3:cannot create its directory"})
public final class SidecarCommand implements Callable<Integer> {
    private static final Duration CANCEL_POLL = Duration.ofMillis(200);

    @Spec CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", description = "the bridge's root (as given to submit); default: $CRFLOW_SNAKEMAKE_ROOT or ./.crflow/snakemake")
    Path root;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "seconds between rounds; also the squeue snapshot's time-to-live (default: ${DEFAULT-VALUE})")
    double intervalSeconds;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(intervalSeconds >= 0.2)) {
            err.println("crflow: --interval must be at least 0.2 seconds");
            return BridgeExit.INVALID_INPUT;
        }
        Duration interval = Duration.ofMillis(Math.round(intervalSeconds * 1000));
        SlurmClient slurm = Slurm.client();
        String user = System.getProperty("user.name");
        SharedQueueSnapshot shared = new SharedQueueSnapshot(SharedQueueSnapshot.defaultCacheDir(), user, interval,
                Clock.systemUTC(), () -> slurm.queue(QueueQuery.byUser(user)));
        BridgeRoot bridge = SubmitCommand.bridgeRoot(root, Path.of("").toAbsolutePath());
        Sidecar sidecar;
        try {
            Path dir = Files.createTempDirectory(privateBase(), "crflow-sidecar-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // Index files written from now on are this Snakemake's jobs (a second of slack for coarse mtimes).
            sidecar = new Sidecar(dir, bridge, shared, new SidecarJudge(bridge, slurm, Clock.systemUTC()),
                    Instant.now().minusSeconds(1));
        } catch (IOException e) {
            err.println("crflow: sidecar: cannot create its directory: " + e.getMessage());
            out.println("crflow-sidecar:none");   // Snakemake waits for this line; the clients then use the status command
            out.flush();
            return BridgeExit.ENVIRONMENT;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "crflow-sidecar-stop"));
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        out.println(Sidecar.varsLine(ProcessHandle.current().pid(), sidecar.dir()));
        out.flush();
        ProcessRunner runner = new SystemProcessRunner();
        long nextRound = 0;
        try {
            while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    sidecar.cancelRequested(runner, err);
                    if (System.nanoTime() - nextRound >= 0) {
                        sidecar.round();
                        nextRound = System.nanoTime() + interval.toNanos();
                    }
                } catch (IOException | RuntimeException e) {
                    // the clients fall back to the status command for anything without an answer file
                    err.println("crflow: sidecar: round failed: " + e);
                    nextRound = System.nanoTime() + interval.toNanos();
                }
                // cancel requests are looked at every 200 ms: Snakemake ends the sidecar soon after it cancels
                if (stop.await(CANCEL_POLL.toMillis(), TimeUnit.MILLISECONDS)) break;
            }
            return BridgeExit.OK;
        } finally {
            try {
                sidecar.cancelRequested(runner, err);   // requests that came just before Snakemake's SIGTERM
            } catch (IOException | RuntimeException e) {
                err.println("crflow: sidecar: cancel failed: " + e);
            }
            sidecar.close();
            stopped.countDown();
        }
    }

    /** A local, private place: $XDG_RUNTIME_DIR (per-user tmpfs) when there is one, else the temp directory. */
    private static Path privateBase() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime)) && Files.isWritable(Path.of(runtime))) {
            return Path.of(runtime);
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
