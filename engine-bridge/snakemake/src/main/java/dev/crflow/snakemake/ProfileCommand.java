package dev.crflow.snakemake;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Write a Snakemake profile (DIR/config.yaml) that runs rules through crflow on Slurm.",
                "Then: snakemake --profile DIR. --snakemake 7 (default) also prints the equivalent Snakemake 8 cluster-generic flags."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                BridgeExit.OK + ":written",
                BridgeExit.INVALID_INPUT + ":DIR/config.yaml exists (use --force) or bad option",
                BridgeExit.ENVIRONMENT + ":cannot find the crflow launcher"})
public final class ProfileCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR") Path dir;

    @Option(names = "--policy", paramLabel = "FILE", description = "policy file passed to every submit (absolute path recorded)")
    Path policy;

    @Option(names = "--jobs", defaultValue = "100", description = "Snakemake --jobs (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--latency-wait", defaultValue = "60", description = "seconds Snakemake waits for outputs on shared storage (default: ${DEFAULT-VALUE})")
    int latencyWait;

    @Option(names = "--restart-times", defaultValue = "1", description = "Snakemake resubmissions of a failed job (default: ${DEFAULT-VALUE})")
    int restartTimes;

    @Option(names = "--force", description = "overwrite an existing config.yaml")
    boolean force;

    @Option(names = "--snakemake", paramLabel = "MAJOR", defaultValue = "7",
            description = {"Snakemake major version: 7 (--cluster with a status sidecar), 8 (cluster-generic plugin,",
                    "same sidecar) or 9 (executor: crflow, snakemake-executor-plugin-crflow). Default: ${DEFAULT-VALUE}"})
    String snakemake;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String home = System.getProperty("crflow.home");
        if (home == null || !Files.isExecutable(Path.of(home, "crflow"))) {
            err.println("crflow: cannot find the ./crflow launcher (crflow.home=" + home + "); run this command through ./crflow");
            return BridgeExit.ENVIRONMENT;
        }
        if (policy != null && !Files.isRegularFile(policy)) {
            err.println("crflow: policy file " + policy + " does not exist");
            return BridgeExit.INVALID_INPUT;
        }
        if (jobs < 1 || latencyWait < 0 || restartTimes < 0) {
            err.println("crflow: --jobs must be >= 1, --latency-wait and --restart-times >= 0");
            return BridgeExit.INVALID_INPUT;
        }
        ProfileWriter.Target target;
        try {
            target = ProfileWriter.Target.parse(snakemake);
        } catch (IllegalArgumentException e) {
            err.println("crflow: " + e.getMessage());
            return BridgeExit.INVALID_INPUT;
        }
        Path config = dir.resolve("config.yaml");
        if (Files.exists(config) && !force) {
            err.println("crflow: " + config + " exists; use --force to overwrite it");
            return BridgeExit.INVALID_INPUT;
        }
        ProfileWriter profile = new ProfileWriter(Path.of(home, "crflow"), Optional.ofNullable(policy), jobs, latencyWait,
                restartTimes, dir, target);
        try {
            profile.write();
        } catch (IOException e) {
            err.println("crflow: cannot write " + config + ": " + e.getMessage());
            return BridgeExit.ENVIRONMENT;
        }
        out.println("wrote " + config.toAbsolutePath().normalize());
        out.println("run:  snakemake --profile " + ShellWords.quote(dir.toAbsolutePath().normalize().toString()));
        if (target == ProfileWriter.Target.SNAKEMAKE_7) {
            out.println("Snakemake 8 (cluster-generic executor plugin), same contract:");
            out.println("  snakemake " + profile.snakemake8Flags().stream().map(ShellWords::quote).collect(Collectors.joining(" ")));
        } else if (target == ProfileWriter.Target.SNAKEMAKE_9) {
            out.println("needs the crflow executor plugin in Snakemake's environment: pip install --no-index --find-links"
                    + " <crflow>/engine-bridge/snakemake/target/python-dist snakemake-executor-plugin-crflow"
                    + " (the wheel `mvn verify` builds; see docs/snakemake.md)");
        }
        return BridgeExit.OK;
    }
}
