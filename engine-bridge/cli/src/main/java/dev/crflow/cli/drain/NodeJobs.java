package dev.crflow.cli.drain;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What runs on a node, from one {@code squeue}: the running jobs there, and which of them are crflow's. */
public final class NodeJobs {
    private static final Duration SQUEUE_TIMEOUT = Duration.ofSeconds(30);

    /** A running crflow job: its id, and its control directory (the job's working directory: crflow renders --chdir). */
    public record CrflowJob(String jobId, String step, Path ctl) {}

    private NodeJobs() {}

    /** Which of {@code jobIds} run on {@code node} now. */
    public static Set<String> jobsOn(ProcessRunner runner, String node, Collection<String> jobIds) throws IOException {
        if (jobIds.isEmpty()) return Set.of();
        ProcessResult r = squeue(runner, List.of("squeue", "-h", "-t", "RUNNING", "-w", node, "-j", String.join(",", jobIds), "-o", "%A"));
        return new TreeSet<>(r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }

    /** Every running job of {@code user} on {@code node} whose comment says it is crflow's ({@code crflow:step=NAME;...}). */
    public static List<CrflowJob> crflowJobsOn(ProcessRunner runner, String user, String node) throws IOException {
        ProcessResult r = squeue(runner, List.of("squeue", "-h", "-t", "RUNNING", "-u", user, "-w", node, "-o", "%A|%k|%Z"));
        return parse(r.stdout());
    }

    static List<CrflowJob> parse(String squeueOutput) {
        List<CrflowJob> jobs = new ArrayList<>();
        for (String line : squeueOutput.lines().toList()) {
            String[] f = line.strip().split("\\|", 3);
            if (f.length < 3 || !f[1].startsWith("crflow:")) continue;
            jobs.add(new CrflowJob(f[0], step(f[1]).orElse(f[0]), Path.of(f[2])));
        }
        return jobs;
    }

    private static Optional<String> step(String comment) {
        for (String part : comment.substring("crflow:".length()).split(";")) {
            if (part.startsWith("step=")) return Optional.of(part.substring("step=".length()));
        }
        return Optional.empty();
    }

    private static ProcessResult squeue(ProcessRunner runner, List<String> cmd) throws IOException {
        ProcessResult r = runner.run(cmd, SQUEUE_TIMEOUT);
        if (!r.ok()) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "squeue failed (" + r.diagnostic() + "); is Slurm reachable from here?");
        }
        return r;
    }
}
