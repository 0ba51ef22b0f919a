package dev.crflow.coordinator.proc;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * What the JDK lacks, through JNA: signalling a process group and asking the kernel about groups.
 * {@code ProcessHandle.destroy*} can only send TERM/KILL to one process; a checkpoint needs any signal
 * delivered to the application's whole process group.
 */
public final class Posix {
    interface CLib extends Library {
        int kill(int pid, int sig);
        int waitpid(int pid, int[] status, int options);
    }

    private static final CLib C = Native.load("c", CLib.class);
    private static final int ESRCH = 3;
    private static final int WNOHANG = 1;

    private Posix() {}

    /** kill(-pgid, sig); true when delivered to at least one process. */
    public static boolean signalGroup(int pgid, int signal) {
        if (pgid <= 1) throw new IllegalArgumentException("refusing to signal process group " + pgid);
        return C.kill(-pgid, signal) == 0;
    }

    public static boolean signalProcess(int pid, int signal) {
        if (pid <= 1) throw new IllegalArgumentException("refusing to signal pid " + pid);
        return C.kill(pid, signal) == 0;
    }

    /** Whether any process of the group still exists (kill with signal 0; EPERM also means "exists"). */
    public static boolean groupExists(int pgid) {
        if (pgid <= 1) return false;
        int rc = C.kill(-pgid, 0);
        return rc == 0 || Native.getLastError() != ESRCH;
    }


    /** waitpid(pid, status, WNOHANG): pid when it ended (status filled), 0 while running, -1 when not our child. */
    public static int waitpidNoHang(int pid, int[] status) {
        if (pid <= 1) throw new IllegalArgumentException("refusing to wait for pid " + pid);
        return C.waitpid(pid, status, WNOHANG);
    }

    /** Whether a process with this pid exists (kill with signal 0; EPERM also means "exists"). */
    public static boolean processExists(int pid) {
        if (pid <= 1) return false;
        return C.kill(pid, 0) == 0 || Native.getLastError() != ESRCH;
    }
}
