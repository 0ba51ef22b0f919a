package dev.crflow.executor.slurm;

import dev.crflow.executor.process.Sleeper;

import java.time.Duration;

/** Exponential backoff for transient Slurm failures; the sleeper is the test seam. */
public record RetryPolicy(int attempts, Duration initialDelay, Duration maxDelay, Sleeper sleeper) {
    public static RetryPolicy standard() {
        return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8), Sleeper.SYSTEM);
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Sleeper.SYSTEM);
    }

    Duration delayBefore(int retry) {
        long ms = initialDelay.toMillis() << Math.min(retry - 1, 20);
        return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
    }
}
