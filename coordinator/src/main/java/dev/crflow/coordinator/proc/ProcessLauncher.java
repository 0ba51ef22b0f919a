package dev.crflow.coordinator.proc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The seam between the coordinator and real processes. */
public interface ProcessLauncher {

    /** Starts {@code command} as the leader of a new process group (session) whose id is the returned pid. */
    AppProcess start(List<String> command, Map<String, String> env, Path workdir) throws IOException;

    /** Runs a short helper command to completion (scontrol, dmtcp_command, criu check) and captures its output. */
    CommandResult run(List<String> command, Map<String, String> env, java.time.Duration timeout) throws IOException;

    record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
        public boolean ok() { return exitCode == 0 && !timedOut; }
        public String output() { return (stdout + (stderr.isEmpty() ? "" : "\n" + stderr)).trim(); }
    }
}
