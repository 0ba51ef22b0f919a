package dev.crflow.snakemake;

import dev.crflow.executor.control.PrivateFiles;
import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;
import dev.crflow.executor.slurm.QueueSnapshot;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The long-lived half of Snakemake 7's fast status path ({@code --cluster-sidecar}). Snakemake runs the status
 * command once per job per check; starting a JVM for each costs ~0.5 s of CPU. The sidecar instead decides, once
 * per round and from ONE shared squeue snapshot, every job it tracks, and keeps the answer for each job that is
 * still running as a file {@code answers/<jobid>} in its private (0700) directory. The status client that
 * Snakemake runs ({@code crflow-status}, POSIX sh written by the profile) answers {@code running} when that file
 * exists and the sidecar is alive, without starting anything.
 *
 * <p>Only "running" is ever answered from a file: a final answer (success, failed), a job the sidecar does not
 * track, or a dead sidecar all make the client run the full {@code crflow snakemake status}, which decides,
 * explains on stderr and records what it told Snakemake exactly as without the sidecar. So the sidecar can only
 * ever delay a final answer by one round, never change it.
 *
 * <p>Tracked: every job indexed under the bridge root since the sidecar started (what this Snakemake submitted or
 * reattached to), and every id the client asked about without finding an answer ({@code wanted/<jobid>}: a job
 * Snakemake resumed from its own metadata). A job decided final is dropped.
 */
final class Sidecar {
    static final String ANSWERS = "answers";
    static final String WANTED = "wanted";
    static final String CANCEL = "cancel";
    private static final Pattern JOB_ID = Pattern.compile("\\d+(_\\d+)?");

    private final Path dir;
    private final BridgeRoot bridge;
    private final SharedQueueSnapshot shared;
    private final SidecarJudge judge;
    private final Instant started;
    private final Set<String> finished = new HashSet<>();

    Sidecar(Path dir, BridgeRoot bridge, SharedQueueSnapshot shared, SidecarJudge judge, Instant started) throws IOException {
        this.dir = dir;
        this.bridge = bridge;
        this.shared = shared;
        this.judge = judge;
        this.started = started;
        PrivateFiles.directory(dir);
        PrivateFiles.directory(dir.resolve(ANSWERS));
        PrivateFiles.directory(dir.resolve(WANTED));
        PrivateFiles.directory(dir.resolve(CANCEL));
    }

    Path dir() { return dir; }

    /** The one line Snakemake passes to every status call as {@code SNAKEMAKE_CLUSTER_SIDECAR_VARS}. */
    static String varsLine(long pid, Path dir) { return "crflow-sidecar:" + pid + ":" + dir.toAbsolutePath(); }

    /** One round: one snapshot (at most one squeue per time-to-live), every tracked job decided. */
    Round round() throws IOException {
        Set<String> ids = tracked();
        if (ids.isEmpty()) return new Round(0, 0, true);    // nothing to ask about: no squeue
        QueueSnapshot snap = shared.get();
        int running = 0;
        for (String id : ids) {
            SnakemakeStatus.Decision d = judge.judge(id, snap);
            Path answer = dir.resolve(ANSWERS).resolve(id);
            if (d.status() == SnakemakeStatus.RUNNING) {
                running++;
                if (!Files.exists(answer)) PrivateFiles.writeAtomically(answer, "running\n");
            } else {
                // Final: from now on the client asks the status command, which answers and records it.
                Files.deleteIfExists(answer);
                finished.add(id);
            }
            Files.deleteIfExists(dir.resolve(WANTED).resolve(id));
        }
        return new Round(ids.size(), running, snap.known());
    }

    private Set<String> tracked() throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        Path jobs = bridge.path().resolve("jobs");
        if (Files.isDirectory(jobs)) {
            FileTime since = FileTime.from(started);
            try (DirectoryStream<Path> s = Files.newDirectoryStream(jobs, "*.json")) {
                for (Path f : s) {
                    String id = f.getFileName().toString().replaceFirst("\\.json$", "");
                    try {
                        if (JOB_ID.matcher(id).matches() && Files.getLastModifiedTime(f).compareTo(since) >= 0) ids.add(id);
                    } catch (NoSuchFileException gone) {
                        // retired meanwhile
                    }
                }
            }
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve(WANTED))) {
            for (Path f : s) {
                String id = f.getFileName().toString();
                if (JOB_ID.matcher(id).matches()) ids.add(id);
                else Files.deleteIfExists(f);
            }
        }
        // A final job is not tracked again, unless Snakemake keeps asking (then the status command answers anyway).
        ids.removeIf(id -> finished.contains(id) && !Files.exists(dir.resolve(WANTED).resolve(id)));
        return ids;
    }

    /**
     * Cancels the jobs the cancel client asked for ({@code cancel/<jobid>}): one {@code scancel} per 200 ids. Snakemake
     * gives its cancel command 2 seconds (and kills it then), too little for a JVM start on a busy login node; the
     * client only drops files here, and the sidecar, already running, does the cancelling (also once more as it ends).
     * Answers the ids it cancelled.
     */
    List<String> cancelRequested(ProcessRunner runner, PrintWriter err) throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve(CANCEL))) {
            for (Path f : s) {
                String id = f.getFileName().toString();
                if (JOB_ID.matcher(id).matches()) ids.add(id);
                Files.deleteIfExists(f);
            }
        }
        for (List<String> chunk : CancelCommand.chunks(ids, 200)) {
            List<String> cmd = new ArrayList<>(List.of("scancel"));
            cmd.addAll(chunk);
            try {
                ProcessResult r = runner.run(cmd, Duration.ofSeconds(30));
                if (!r.ok()) err.println("crflow: sidecar: scancel " + String.join(" ", chunk) + " failed: " + r.diagnostic());
            } catch (IOException e) {
                err.println("crflow: sidecar: cannot run scancel: " + e.getMessage());
            }
            err.flush();
        }
        return ids;
    }

    /** Removes the private directory (the sidecar is ending: the clients fall back to the status command). */
    void close() {
        for (String sub : new String[] {ANSWERS, WANTED, CANCEL}) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve(sub))) {
                for (Path f : s) Files.deleteIfExists(f);
                Files.deleteIfExists(dir.resolve(sub));
            } catch (IOException ignored) {
                // best effort
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // best effort
        }
    }

    record Round(int tracked, int running, boolean queueKnown) {}
}
