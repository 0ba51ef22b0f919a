package dev.crflow.snakemake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crflow.executor.slurm.QueueQuery;
import dev.crflow.executor.slurm.SlurmClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * What the Snakemake 8/9 executor plugin ({@code snakemake-executor-plugin-crflow}) calls besides {@code submit}
 * and {@code cancel}: machine-readable answers for MANY jobs in one process, so one poll of all active jobs costs
 * one JVM and one squeue.
 */
@Command(name = "plugin", mixinStandardHelpOptions = true,
        description = {"For the crflow Snakemake executor plugin (Snakemake 8/9): JSON answers for many jobs at once."},
        subcommands = {PluginCommand.Status.class, CommandLine.HelpCommand.class})
public final class PluginCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BridgeExit.INVALID_INPUT;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"The status of every JOBID from ONE squeue snapshot, as one JSON object on stdout:",
                    "{\"jobs\": {\"<id>\": {\"status\": \"running|success|failed\", \"why\": \"…\"}}}.",
                    "Each answer is what `crflow snakemake status JOBID` says, with the same duties (requeue-hold release,",
                    "output net, success recorded as reported)."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:answered", "2:an argument is not a Slurm job id (nothing answered)"})
    public static final class Status implements Callable<Integer> {
        private static final Pattern JOB_ID = Pattern.compile("\\d+(_\\d+)?");
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "JOBID") List<String> jobIds = List.of();

        @Option(names = "--root", paramLabel = "DIR", description = "the bridge's root (as given to submit); default: $CRFLOW_SNAKEMAKE_ROOT or ./.crflow/snakemake")
        Path root;

        @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "2",
                description = "how long one squeue snapshot serves every status call (default: ${DEFAULT-VALUE} s)")
        double ttlSeconds;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            for (String id : jobIds) {
                if (!JOB_ID.matcher(id.strip()).matches()) {
                    err.println("crflow: '" + id + "' is not a Slurm job id; nothing answered");
                    return BridgeExit.INVALID_INPUT;
                }
            }
            SlurmClient slurm = Slurm.client();
            String user = System.getProperty("user.name");
            SharedQueueSnapshot shared = new SharedQueueSnapshot(SharedQueueSnapshot.defaultCacheDir(), user,
                    Duration.ofMillis(Math.round(ttlSeconds * 1000)), Clock.systemUTC(), () -> slurm.queue(QueueQuery.byUser(user)));
            BridgeRoot bridge = SubmitCommand.bridgeRoot(root, Path.of("").toAbsolutePath());
            ObjectNode jobs = JSON.createObjectNode();
            for (String raw : jobIds) {
                String id = raw.strip();
                // the first call fills the snapshot; every later one reads it (one squeue for all)
                SnakemakeStatus.Decision d = StatusCommand.decide(id, shared, bridge, slurm);
                ObjectNode a = jobs.putObject(id);
                a.put("status", d.status().word());
                a.put("why", d.why());
            }
            ObjectNode doc = JSON.createObjectNode();
            doc.set("jobs", jobs);
            out.println(JSON.writeValueAsString(doc));
            out.flush();
            return BridgeExit.OK;
        }
    }
}
