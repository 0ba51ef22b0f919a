package dev.crflow.coordinator.slurm;

import java.time.Duration;
import java.util.Optional;

/** Puts the step back in the queue for its next attempt. */
public interface Requeuer {

    /**
     * @param nextTimeLimit lower the next attempt's time limit to this (budget shorter than the limit)
     * @param remainingBudget what is left of totalTime, recorded in the job's Comment
     */
    record Plan(String jobId, String stepName, Optional<Duration> nextTimeLimit, Optional<Duration> remainingBudget) {}

    record Outcome(boolean ok, String message) {}

    Outcome requeue(Plan plan) throws InterruptedException;

    /** Local mode: nothing to call; exit 75 tells the embedded executor to relaunch. */
    static Requeuer local() {
        return plan -> new Outcome(true, "local mode: exit 75 asks the local executor to relaunch");
    }
}
