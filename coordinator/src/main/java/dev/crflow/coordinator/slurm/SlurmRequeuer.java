package dev.crflow.coordinator.slurm;

import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code scontrol requeue ID}, then (the job is pending again) lower its TimeLimit when the remaining
 * budget is shorter, record the remaining budget in its Comment, and release the requeue hold
 * ({@code StartTime=now}; without it the job waits ~120 s, Slurm's requeue delay). The job may not be
 * pending at once, so the follow-up updates are retried briefly.
 */
public final class SlurmRequeuer implements Requeuer {
    private final SlurmControl slurm;
    private final Consumer<String> log;
    private final int attempts;
    private final Duration pause;
    private final HoldReleaser releaser;

    public SlurmRequeuer(SlurmControl slurm, Consumer<String> log) { this(slurm, log, 10, Duration.ofSeconds(1)); }

    public SlurmRequeuer(SlurmControl slurm, Consumer<String> log, int attempts, Duration pause) {
        this(slurm, log, attempts, pause, HoldReleaser.none());
    }

    /** @param releaser releases the hold after the batch step has ended (the updates below cannot: see HoldReleaser) */
    public SlurmRequeuer(SlurmControl slurm, Consumer<String> log, int attempts, Duration pause, HoldReleaser releaser) {
        this.releaser = releaser;
        this.slurm = slurm;
        this.log = log;
        this.attempts = attempts;
        this.pause = pause;
    }

    /** Slurm time limits are whole minutes; round up so the budget is used, never cut short by up to 59 s. */
    public static long wholeMinutes(Duration d) {
        long s = Math.max(60, d.toSeconds());
        return (s + 59) / 60;
    }

    /** The same format the executor renders in --comment, so users and tools read one thing. */
    public static String comment(String stepName, Duration remaining) {
        return "crflow:step=" + stepName + ";budget=" + remaining;
    }

    @Override
    public Outcome requeue(Plan plan) throws InterruptedException {
        if (plan.jobId() == null || plan.jobId().isBlank()) {
            return new Outcome(false, "no Slurm job id (SLURM_JOB_ID unset): cannot requeue");
        }
        CommandResult rq;
        try {
            rq = slurm.scontrol(List.of("requeue", plan.jobId()));
        } catch (IOException e) {
            return new Outcome(false, "scontrol requeue " + plan.jobId() + " could not run: " + e.getMessage());
        }
        if (!rq.ok()) {
            // e.g. Slurm is requeueing the job itself (preemption in REQUEUE mode): its hold needs releasing all the same
            String released = releaser.startAfterRequeue(plan.jobId());
            return new Outcome(false, "scontrol requeue " + plan.jobId() + " failed (" + rq.exitCode() + "): " + rq.output() + "; " + released);
        }
        List<List<String>> updates = new ArrayList<>();
        plan.nextTimeLimit().ifPresent(t -> updates.add(List.of("update", "JobId=" + plan.jobId(), "TimeLimit=" + wholeMinutes(t))));
        plan.remainingBudget().ifPresent(r -> updates.add(List.of("update", "JobId=" + plan.jobId(), "Comment=" + comment(plan.stepName(), r))));
        updates.add(List.of("update", "JobId=" + plan.jobId(), "StartTime=now"));
        List<String> problems = new ArrayList<>();
        // one retry budget for all follow-up updates: after SIGTERM the job has KillWait (30 s) left in total
        int budget = attempts;
        for (List<String> u : updates) {
            String last = "";
            boolean done = false;
            for (int i = 0; budget > 0 && !done; i++) {
                budget--;
                try {
                    CommandResult r = slurm.scontrol(u);
                    done = r.ok();
                    last = r.output();
                } catch (IOException e) {
                    last = e.getMessage();
                }
                if (!done && budget > 0) Thread.sleep(pause.toMillis());
            }
            if (!done) {
                problems.add("scontrol " + String.join(" ", u) + ": " + last);
                log.accept("could not run scontrol " + String.join(" ", u) + " (" + last + "); the driver releases the hold instead");
            }
        }
        // StartTime=now above is accepted while the job is COMPLETING but overwritten when the batch step ends
        String released = releaser.startAfterRequeue(plan.jobId());
        return new Outcome(true, (problems.isEmpty() ? "requeued " + plan.jobId()
                : "requeued " + plan.jobId() + "; not applied: " + String.join("; ", problems)) + "; " + released);
    }
}
