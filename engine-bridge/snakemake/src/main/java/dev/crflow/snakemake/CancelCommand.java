package dev.crflow.snakemake;

import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;
import dev.crflow.executor.process.SystemProcessRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel jobs for Snakemake's --cluster-cancel: one scancel per chunk of ids.",
                "Each job's coordinator gets SIGTERM and checkpoints if the grace time allows, so a later",
                "submission of the same rule resumes instead of starting over."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                BridgeExit.OK + ":every chunk was accepted",
                BridgeExit.FAILED + ":scancel failed for some ids",
                BridgeExit.INVALID_INPUT + ":an argument is not a job id"})
public final class CancelCommand implements Callable<Integer> {
    private static final Pattern JOB_ID = Pattern.compile("\\d+(_\\d+)?");

    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "JOBID") List<String> jobIds;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "200", description = "ids per scancel call (default: ${DEFAULT-VALUE})")
    int chunk;

    ProcessRunner runner = new SystemProcessRunner();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        for (String id : jobIds) {
            if (!JOB_ID.matcher(id.strip()).matches()) {
                err.println("crflow: '" + id + "' is not a Slurm job id; nothing cancelled");
                return BridgeExit.INVALID_INPUT;
            }
        }
        if (chunk < 1) {
            err.println("crflow: --chunk must be at least 1");
            return BridgeExit.INVALID_INPUT;
        }
        int status = BridgeExit.OK;
        for (List<String> ids : chunks(jobIds.stream().map(String::strip).toList(), chunk)) {
            List<String> cmd = new ArrayList<>();
            cmd.add("scancel");
            cmd.addAll(ids);
            try {
                ProcessResult r = runner.run(cmd, Duration.ofSeconds(30));
                if (!r.ok()) {
                    err.println("crflow: scancel " + String.join(" ", ids) + " failed: " + r.diagnostic());
                    status = BridgeExit.FAILED;
                }
            } catch (IOException e) {
                err.println("crflow: cannot run scancel: " + e.getMessage());
                return BridgeExit.ENVIRONMENT;
            }
        }
        return status;
    }

    static List<List<String>> chunks(List<String> ids, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += size) out.add(List.copyOf(ids.subList(i, Math.min(ids.size(), i + size))));
        return out;
    }
}
