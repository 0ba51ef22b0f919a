package dev.crflow.cli;

import dev.crflow.cli.runner.RunStatus;
import dev.crflow.cli.runner.StepView;
import dev.crflow.coordinator.run.WorkAccount;
import dev.crflow.executor.control.ControlJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the state of the run in the work directory (read from its files; Slurm is not asked).")
public final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Option(names = "--json", description = {"Machine-readable: {\"state\", \"steps\": [{\"name\", \"state\", \"jobId\", \"attempts\", \"restarts\", \"generations\", \"lastCheckpoint\", \"exitCode\",",
            "\"workSaved\", \"checkpointCost\", \"lostWork\", \"lostWorkTotal\", and with interval 'auto' \"autoInterval\"}], \"workSaved\", \"checkpointCost\", \"lostWorkTotal\"} (docs/status.md)."})
    boolean json;

    @Override
    public Integer call() throws Exception {
        RunStatus status = RunStatus.read(workdir.runDirectory());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ControlJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
            out.println("run: " + status.state());
            out.printf("%-24s %-13s %-10s %8s %8s %11s %-16s %s%n", "STEP", "STATE", "JOB", "ATTEMPTS", "RESTARTS", "GENERATIONS",
                    "LAST CHECKPOINT", "EXIT");
            for (StepView v : status.steps()) {
                out.printf("%-24s %-13s %-10s %8d %8d %11d %-16s %s%n", v.name(), v.state(), v.jobId() == null ? "-" : v.jobId(),
                        v.attempts(), v.restarts(), v.generations(),
                        v.lastCheckpoint() == null ? "-" : Duration.between(v.lastCheckpoint(), Instant.now()).getSeconds() + "s ago",
                        v.exitCode() == null ? "-" : v.exitCode());
                if (!v.message().isEmpty() && (v.state().name().equals("FAILED") || v.state().active())) {
                    out.println("    " + v.message());
                }
                v.autoInterval().ifPresent(a -> out.println("    interval auto: " + a.describe()));
            }
            printWorkSaved(out, status);
            out.println(dev.crflow.cli.report.ReportLocator.statusHint(workdir.runDirectory().root().getParent()));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * What checkpoints saved and cost (the coordinator's WorkAccount): one line per step that checkpointed or was
     * interrupted, then the run's sums. Nothing when no step did either.
     */
    static void printWorkSaved(PrintWriter out, RunStatus status) {
        WorkAccount run = status.work();
        if (run.checkpoints() == 0 && run.interruptions().isEmpty()) return;
        out.println("work saved by checkpoints (compute the interruptions would have cost from scratch), what checkpointing cost:");
        for (StepView v : status.steps()) {
            WorkAccount w = v.work();
            if (w.checkpoints() == 0 && w.interruptions().isEmpty()) continue;
            out.println("  " + v.name() + ": " + line(w));
            for (WorkAccount.Interruption i : w.interruptions()) {
                out.printf("    attempt %d (%s): lost %s%s, saved %s (%s)%n", i.attempt(), i.reason().wireName(),
                        i.lowerBound() ? ">= " : "", secs(i.lostSeconds()), secs(i.savedSeconds()),
                        i.stopCheckpoint() ? "stopped by its checkpoint" : i.restoredFrom().map(g -> "from generation " + g).orElse("from scratch"));
            }
        }
        out.println("  run: " + line(run));
    }

    private static String line(WorkAccount w) {
        return "saved " + secs(w.savedSeconds()) + " over " + w.interruptions().size() + " interruption(s), lost "
                + (w.lostIsLowerBound() ? ">= " : "") + secs(w.lostSeconds()) + "; cost " + secs(w.costSeconds()) + " ("
                + w.checkpoints() + " checkpoint(s) " + secs(w.checkpointSeconds()) + ", " + w.restores() + " restore(s) "
                + secs(w.restoreSeconds()) + "), " + w.bytesWritten() + " bytes written, " + w.bytesStored().orElse(0L) + " stored";
    }

    private static String secs(double s) {
        return String.format(java.util.Locale.ROOT, "%.1fs", s);
    }
}
