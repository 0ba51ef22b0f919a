package dev.crflow.coordinator.proc;

import java.time.Duration;
import java.util.OptionalInt;

/** A launched process group. */
public interface AppProcess {
    /** Pid of the group leader = the process group id. */
    int pgid();

    boolean isAlive();

    /** Waits up to {@code timeout}; the exit status of the group leader when it ended. */
    OptionalInt waitFor(Duration timeout) throws InterruptedException;

    /** Sends {@code signal} to every process of the group. */
    boolean signalGroup(int signal);

    /** Whether any member of the group is still alive (the leader may have ended before its children). */
    boolean groupAlive();
}
