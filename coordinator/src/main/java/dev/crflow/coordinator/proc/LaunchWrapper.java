package dev.crflow.coordinator.proc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the application is started, and why this way.
 *
 * <ul>
 *   <li>{@code setsid}: ProcessBuilder cannot call setpgid(2) in the child. The JDK's child is not a
 *   process-group leader, so util-linux {@code setsid} calls setsid(2) and execs without forking: the pid
 *   the JVM sees is the new session's and process group's id, and the whole application tree can be
 *   signalled with kill(-pgid).</li>
 *   <li>{@code setpriv --pdeathsig RTMIN+3}: arms PR_SET_PDEATHSIG (kept across exec). If the coordinator
 *   dies, the wrapper gets RTMIN+3, whose trap kills the whole group with SIGKILL, so nothing outlives the
 *   coordinator (a later attempt also kills leftovers recorded in {@code app-process.json}). CRIU dumps and
 *   restores the death signal with the tree: a restore must make the coordinator the parent again
 *   ({@code criu restore --restore-sibling}, see CriuEngine), or the signal fires as soon as {@code criu} exits.</li>
 *   <li>The wrapper bash traps the usual signals with a no-op so a group-wide forwarded signal does not kill
 *   it, runs the application in a subshell that restores default INT/QUIT (bash ignores them in background
 *   jobs), and the subshell writes the <em>completion marker</em> only when the application returned by
 *   itself. With DMTCP the wrapper runs inside {@code dmtcp_launch}, so the marker writer is checkpointed
 *   and restored with the application: DMTCP's exit 0 on checkpoint-and-quit never looks like completion.</li>
 * </ul>
 * Every argument is passed as its own argv element; nothing from the spec is pasted into shell text.
 */
public final class LaunchWrapper {
    public static final String DEATH_SIGNAL = "RTMIN+3";

    /** The wrapper's status when the application died of SIGKILL (128 + 9): it could not have saved anything. */
    public static final int KILLED_STATUS = 137;

    /** Signals the wrapper survives (forwarded to the whole group); DMTCP reserves USR2 for itself. */
    public static final String TRAPPED = "HUP INT QUIT USR1 USR2 ALRM TERM";
    public static final String TRAPPED_UNDER_DMTCP = "HUP INT QUIT USR1 ALRM TERM";

    static final String SCRIPT = String.join("\n",
            "marker=$1; traps=$2; shift 2",
            "trap 'kill -KILL 0' " + DEATH_SIGNAL,
            "for s in $traps; do trap : \"$s\"; done",
            "(",
            "  for s in $traps; do trap : \"$s\"; done",
            "  \"$@\"",
            "  st=$?",
            "  printf '%s\\n' \"$st\" > \"$marker.tmp.$$\" && mv -f \"$marker.tmp.$$\" \"$marker\"",
            "  exit \"$st\"",
            ") &",
            "child=$!",
            "st=0",
            "while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; st=$?; done",
            "exit \"$st\"");

    private LaunchWrapper() {}

    /** {@code setsid setpriv --pdeathsig RTMIN+3 -- <inner...>}: the group leader the coordinator owns. */
    public static List<String> groupLeader(List<String> inner) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "setpriv", "--pdeathsig", DEATH_SIGNAL, "--"));
        cmd.addAll(inner);
        return cmd;
    }

    /** {@code bash -c SCRIPT crflow-app <marker> <app...>}: runs the application and writes the marker. */
    public static List<String> withCompletionMarker(Path marker, List<String> app) {
        return withCompletionMarker(marker, TRAPPED, app);
    }

    public static List<String> withCompletionMarker(Path marker, String trapped, List<String> app) {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", "-c", SCRIPT, "crflow-app", marker.toString(), trapped));
        cmd.addAll(app);
        return cmd;
    }
}
