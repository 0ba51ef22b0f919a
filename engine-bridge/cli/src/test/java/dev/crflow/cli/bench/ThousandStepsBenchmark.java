package dev.crflow.cli.bench;

import dev.crflow.cli.runner.Executors;
import dev.crflow.cli.runner.Progress;
import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.cli.runner.RunInfo;
import dev.crflow.cli.runner.RunOptions;
import dev.crflow.cli.runner.Runner;
import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.process.CountingProcessRunner;
import dev.crflow.executor.process.SystemProcessRunner;
import dev.crflow.executor.slurm.JobNames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 1,000-step workflow on REAL Slurm driven by the real runner: counts squeue invocations through the process-runner
 * seam against the number of polls (target: exactly one squeue per poll) and reports the driver's peak RSS (target
 * <= 256 MB). The jobs run a stub in place of the coordinator (it writes result.json after a few seconds): this
 * measures the driver, not 1,000 coordinator JVMs on a 2-core machine.
 *
 * Usage: ThousandStepsBenchmark [steps] [workdir]
 */
public final class ThousandStepsBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path work = Path.of(args.length > 1 ? args[1] : "/tmp/crflow-bench-1000-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(work);
        Path stub = work.resolve("stub-coordinator.sh");
        // Called as: <java> <flags> -jar <jar> run --control CTL (the hand-off of the rendered script).
        Files.writeString(stub, """
                #!/bin/bash
                ctl="${@: -1}"
                sleep 1
                printf '{"outcome":"COMPLETED","exitCode":0,"attempts":1,"restarts":0,"retries":0,"message":"stub"}' > "$ctl/result.json.tmp"
                mv "$ctl/result.json.tmp" "$ctl/result.json"
                """);
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        System.setProperty("crflow.java", stub.toString());

        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // a hundred chains of ten steps: up to 100 jobs in the queue at once, 10 deep
            steps.add(new Step("s" + i, i < 100 ? List.of() : List.of("s" + (i - 100)), new StepCommand(StepCommand.Kind.COMMAND, "true"),
                    work.toString(), new Resources(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(Duration.ofMinutes(5)), Optional.empty(), 1, 1, 1, Optional.of(50L)),
                    Map.of(), List.of(), List.of(), CheckpointPolicy.none(), Optional.empty(), 0, new SourceLocation("bench", i)));
        }
        Workflow wf = new Workflow("bench", work.resolve("bench.groovy").toString(), work.toString(), Optional.empty(), steps, List.of());
        RunDirectory dir = new RunDirectory(work).create();
        RunInfo info = new RunInfo(JobNames.newRunId(), wf.sourceFile(), wf.name(), null, "slurm", Instant.now());
        dir.writeInfo(info);
        dir.writeWorkflow(wf);

        CountingProcessRunner counting = new CountingProcessRunner(new SystemProcessRunner());
        Duration poll = Duration.ofSeconds(2);
        AtomicLong polls = new AtomicLong();
        long t0 = System.nanoTime();
        int code;
        try (StepExecutor exec = Executors.create("slurm", poll, Clock.systemUTC(), counting)) {
            Runner runner = new Runner(wf, dir, info, exec, new RunOptions(poll, 1000), Progress.NONE, Clock.systemUTC(),
                    d -> { polls.incrementAndGet(); Thread.sleep(d.toMillis()); });
            code = runner.run();
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        long observePolls = polls.get() + 1; // the loop observes once more than it sleeps
        System.out.printf("%d steps on Slurm: exit %d in %d s; polls %d, squeue calls %d (%.2f per poll), sbatch %d, scontrol %d%n",
                n, code, seconds, observePolls, counting.count("squeue"), counting.count("squeue") / (double) observePolls,
                counting.count("sbatch"), counting.count("scontrol"));
        System.out.printf("driver peak RSS (VmHWM): %s; target <= 256 MB%n", vm("VmHWM"));
    }

    static String vm(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                long kb = Long.parseLong(line.replaceAll("\\D", ""));
                return (kb / 1024) + " MB";
            }
        }
        return "?";
    }
}
