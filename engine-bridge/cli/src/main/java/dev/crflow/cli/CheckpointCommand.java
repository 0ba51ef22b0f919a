package dev.crflow.cli;

import dev.crflow.cli.runner.DriverStepState;
import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.executor.control.PrivateFiles;
import dev.crflow.executor.control.StepControlDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Checkpoint a running step now (the seeds' manual strategy); with --stop, then stop it.",
                "A stopped step resumes from that image with 'crflow restart STEP'."})
public final class CheckpointCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Parameters(index = "0", paramLabel = "STEP") String step;

    @Option(names = "--stop", description = "Stop the step after the checkpoint is committed.") boolean stop;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = "How long to wait for the checkpoint (default 300s).")
    Duration timeout = Duration.ofSeconds(300);

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = workdir.runDirectory();
        StepControlDir ctl = CommandSupport.stepDir(dir, step);
        DriverStepState st = dir.driverState(step);
        if (!st.state().active()) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "step " + step + " is not running (" + st.state() + "); nothing to checkpoint");
        }
        Instant asked = Instant.now().minusMillis(500);
        if (stop) PrivateFiles.writeAtomically(ctl.path().resolve("stop-requested"), asked + "\n");
        String requestId = ControlDir.of(ctl.path()).requestCheckpoint(stop);
        PrintWriter out = spec.commandLine().getOut();
        out.println("asked step " + step + " to checkpoint" + (stop ? " and stop" : "") + "; waiting...");
        out.flush();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<JournalEvent> answer = answer(ctl.readJournal(), requestId);
            if (answer.isPresent()) {
                JournalEvent e = answer.get();
                if (e.ok().orElse(true)) {
                    out.println("checkpoint committed: generation " + text(e, "generation") + " (" + text(e, "bytes") + " bytes in "
                            + text(e, "durationMs") + " ms)" + (stop ? "; the step stops. Resume it with 'crflow restart " + step + "'" : ""));
                    return ExitCodes.OK;
                }
                out.println("checkpoint failed: " + text(e, "error") + " (the previous generation is kept)");
                return ExitCodes.FAILED;
            }
            Thread.sleep(250);
        }
        throw new CrflowException(ExitCodes.FAILED, "no answer from step " + step + " within " + timeout.toSeconds()
                + " s; is its job running? ('crflow status'). The request stays in " + ctl.requests() + " until the coordinator reads it.");
    }

    /** The coordinator's checkpoint event carrying our request id. */
    private static Optional<JournalEvent> answer(List<JournalEvent> journal, String requestId) {
        return journal.stream().filter(e -> e.is(JournalEvent.CHECKPOINT) && e.requestId().filter(requestId::equals).isPresent()).findFirst();
    }

    private static String text(JournalEvent e, String field) { return e.string(field).orElse(""); }
}
