package dev.crflow.executor.process;

import java.time.Duration;

/** The waiting half of the clock seam: tests replace it to run backoffs instantly. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));
}
