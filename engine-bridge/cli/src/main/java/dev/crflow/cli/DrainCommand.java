package dev.crflow.cli;

import dev.crflow.cli.drain.CheckpointRequests;
import dev.crflow.cli.drain.NodeJobs;
import dev.crflow.executor.process.SystemProcessRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Before maintenance: checkpoint and stop every crflow job of yours running on NODE, whatever run",
                "or front end (crflow, Nextflow, Snakemake) submitted it, found in one squeue (their comment says crflow:).",
                "Each stays resumable from that image; each says what it did, and one that cannot checkpoint in time says so."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every job checkpointed and stopped (or none ran there)", "1:a checkpoint failed or did not answer in time",
                "2:invalid input", "3:Slurm unreachable"})
public final class DrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--node", required = true, paramLabel = "NODE", description = "The node to drain of your crflow jobs.")
    String node;

    @Option(names = "--user", paramLabel = "USER", description = "Whose jobs (default: you; another user's control directories must be readable and writable to you).")
    String user = System.getProperty("user.name");

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = "How long to wait for the checkpoints (default 300s).")
    Duration timeout = Duration.ofSeconds(300);

    @Option(names = "--json", description = "Machine-readable: {\"checkpoints\": [{\"name\", \"jobId\", \"ok\", \"status\", \"generation\", \"bytes\", \"durationMs\", \"detail\"}]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<NodeJobs.CrflowJob> jobs = NodeJobs.crflowJobsOn(new SystemProcessRunner(), user, node);
        if (jobs.isEmpty()) {
            spec.commandLine().getOut().println(json ? "{\"checkpoints\" : [ ]}" : "no crflow job of " + user + " runs on " + node);
            return ExitCodes.OK;
        }
        List<CheckpointRequests.Target> targets = jobs.stream()
                .map(j -> new CheckpointRequests.Target(j.step() + " (job " + j.jobId() + ")", j.ctl(), java.util.Optional.of(j.jobId())))
                .toList();
        if (!json) {
            spec.commandLine().getOut().println("draining " + node + ": asked " + targets.size() + " crflow job(s) to checkpoint and stop; waiting...");
            spec.commandLine().getOut().flush();
        }
        List<CheckpointRequests.Outcome> outcomes = new CheckpointRequests(Clock.systemUTC(), Duration.ofMillis(250)).run(targets, true, timeout);
        return Outcomes.print(spec.commandLine().getOut(), outcomes, true, json);
    }
}
