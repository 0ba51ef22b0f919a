package dev.crflow.cli;

import dev.crflow.cli.runner.Executors;
import dev.crflow.cli.runner.Progress;
import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.cli.runner.RunInfo;
import dev.crflow.cli.runner.RunLock;
import dev.crflow.cli.runner.RunOptions;
import dev.crflow.cli.runner.Runner;
import dev.crflow.cli.runner.StepState;
import dev.crflow.cli.runner.StepView;
import dev.crflow.cli.runner.Workflows;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.StepExecutor;
import dev.crflow.executor.process.Sleeper;
import dev.crflow.executor.slurm.JobNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run (or resume) a workflow: completed steps are skipped, running jobs reattached,",
                "failed steps retried within their 'retry'. Run it again after any interruption."})
public final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow (.groovy).")
    Path file;

    @Option(names = "--executor", paramLabel = "NAME", description = "local (default: processes on this machine, walltime simulated) or slurm.")
    String executor;

    @Option(names = "--profile", paramLabel = "P", description = "Apply profile P of the workflow.")
    String profile;

    @Option(names = "--poll", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time between two looks at the jobs (default: 10s on Slurm, 2s locally).")
    Duration poll;

    @Option(names = "--max-jobs", paramLabel = "N", description = "Jobs in flight at once (default: 500 on Slurm, the CPU count locally).")
    Integer maxJobs;

    @Override
    public Integer call() throws Exception {
        dev.crflow.dsl.model.SiteSettings settings = dev.crflow.cli.settings.SettingsFiles.load();
        Workflow workflow = Workflows.load(file, Optional.ofNullable(profile), settings);
        ContainerCheckCommand.requireUsableContainers(workflow.steps());
        RunDirectory dir = workdir.runDirectory();
        // a new run's control directories go under the settings' controlRoot (shared storage), one per work directory
        dir = dir.create(dev.crflow.dsl.settings.SettingsApplication.controlRoot(settings, System.getenv(), "crflow", dir.root().getParent()));
        try (RunLock lock = RunLock.acquire(dir.root(), "crflow run")) {
            RunInfo info = runInfo(dir, workflow);
            return drive(spec, dir, info, workflow, poll, maxJobs);
        }
    }

    private RunInfo runInfo(RunDirectory dir, Workflow workflow) {
        Optional<RunInfo> existing = dir.info();
        String wfPath = Path.of(workflow.sourceFile()).toAbsolutePath().normalize().toString();
        if (existing.isPresent()) {
            RunInfo old = existing.get();
            if (!old.workflowFile().equals(wfPath)) {
                throw new CrflowException(ExitCodes.INVALID_INPUT, dir.root() + " holds the run of " + old.workflowFile()
                        + "; run " + wfPath + " with another --workdir, or remove " + dir.root() + " to start over");
            }
            if (executor != null && !executor.equals(old.executor())) {
                throw new CrflowException(ExitCodes.INVALID_INPUT, "this run uses --executor " + old.executor()
                        + "; resume it with the same executor, or use another --workdir for a new run");
            }
            return old;
        }
        String exec = executor == null ? "local" : executor;
        if (!Executors.NAMES.contains(exec)) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "unknown executor '" + exec + "'; use one of " + Executors.NAMES);
        }
        RunInfo info = new RunInfo(JobNames.newRunId(), wfPath, workflow.name(), profile, exec, Instant.now());
        dir.writeInfo(info);
        return info;
    }

    /** Shared by run, rerun and restart: drive the run in this work directory to its end. */
    static int drive(CommandSpec spec, RunDirectory dir, RunInfo info, Workflow workflow, Duration poll, Integer maxJobs)
            throws InterruptedException {
        dir.writeWorkflow(workflow);
        RunOptions defaults = RunOptions.defaults(info.executor());
        RunOptions options = new RunOptions(poll != null ? poll : defaults.pollInterval(), maxJobs != null ? maxJobs : defaults.maxParallel());
        Clock clock = Clock.systemUTC();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        Progress progress = Progress.forStdout(out, clock);
        progress.message("run " + info.runId() + " of '" + info.workflowName() + "' (" + workflow.steps().size() + " steps, executor "
                + info.executor() + ", state in " + dir.root() + ")");
        Thread hook = new Thread(() -> out.println("crflow: driver stopped; the jobs keep their state."
                + " Run the same command again to reattach, or 'crflow cancel' to stop them."));
        Runtime.getRuntime().addShutdownHook(hook);
        try (StepExecutor exec = Executors.checked(info.executor(), options.pollInterval(), clock)) {
            Runner runner = new Runner(workflow, dir, info, exec, options, progress, clock, Sleeper.SYSTEM);
            int code = runner.run();
            summarize(spec, runner.views(), code);
            return code;
        } finally {
            // The hook is for an interrupted driver (Ctrl-C, kill), not for one that ended or gave up by itself.
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already running: let it speak
            }
        }
    }

    private static void summarize(CommandSpec spec, List<StepView> views, int code) {
        PrintStream out = System.out;
        long done = views.stream().filter(v -> v.state() == StepState.COMPLETED).count();
        if (code == ExitCodes.OK) {
            out.println("crflow: all " + done + " steps completed");
            return;
        }
        for (StepView v : views) {
            if (v.state() == StepState.FAILED) out.println("crflow: step " + v.name() + " failed: " + v.message());
        }
        long blocked = views.stream().filter(v -> v.state() == StepState.PENDING).count();
        out.println("crflow: " + done + " of " + views.size() + " steps completed" + (blocked > 0 ? ", " + blocked + " not started" : "")
                + ". See 'crflow status'; after fixing, 'crflow rerun --failed' or 'crflow run' again.");
    }
}
