package dev.crflow.coordinator.proc;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * A child of this JVM that the JDK did not start (CRIU's {@code --restore-sibling} makes the restored root a
 * child of the thread that ran {@code criu restore}). The JDK only reaps the processes it started, so this one
 * is reaped here with waitpid(2); its exit status is the shell's: the code, or 128 + the signal.
 */
public final class RestoredChild implements AppProcess {
    private final int pid;
    private volatile OptionalInt status = OptionalInt.empty();

    public RestoredChild(int pid) {
        if (pid <= 1) throw new IllegalArgumentException("pid " + pid);
        this.pid = pid;
    }

    @Override public int pgid() { return pid; }

    /** Reaps {@code pid} if it is an ended child of this JVM (a task a failed restore forked); no-op otherwise. */
    public static void reapIfExited(int pid) {
        if (pid > 1) Posix.waitpidNoHang(pid, new int[1]);
    }

    @Override
    public synchronized boolean isAlive() {
        if (status.isPresent()) return false;
        int[] st = new int[1];
        int rc = Posix.waitpidNoHang(pid, st);
        if (rc == pid) {
            int s = st[0];
            status = OptionalInt.of((s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f));
            return false;
        }
        if (rc == 0) return true;
        // not our child (ECHILD): someone else reaped it, or it was never ours; alive while the pid exists
        boolean exists = Posix.processExists(pid);
        if (!exists) status = OptionalInt.of(-1);
        return exists;
    }

    @Override
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (isAlive()) {
            if (System.nanoTime() >= end) return OptionalInt.empty();
            Thread.sleep(20);
        }
        return status;
    }

    @Override public boolean signalGroup(int signal) { return Posix.signalGroup(pid, signal); }
    @Override public boolean groupAlive() { return Posix.groupExists(pid); }
}
