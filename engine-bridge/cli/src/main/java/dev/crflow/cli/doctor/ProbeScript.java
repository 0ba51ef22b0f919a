package dev.crflow.cli.doctor;

import dev.crflow.executor.slurm.CoordinatorLaunch;
import dev.crflow.executor.slurm.Quoting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The batch script of {@code crflow doctor --probe}: one short job that proves, on a compute node, what a real step
 * needs. Every value reaches the script through {@link Quoting}; results are small files in the probe directory
 * (on the control root), read back by {@link ProbeResults}.
 *
 * <p>The warning signal is tested the way steps use it: {@code --signal=B:USR1@LEAD} with a one-minute time limit
 * (for the default 50 s lead), not {@code scancel --batch -s USR1}. Only the real timer shows that the site passes
 * {@code --signal} through and sends it early enough; Slurm checks time limits every ~30 s and sends the warning
 * up to that much early, so the probe waits at most ~30 s for it.
 */
public final class ProbeScript {
    /** Engines the probe knows how to exercise. */
    public enum Engine { DMTCP, CRIU, SIGNAL }

    /**
     * @param partition  Slurm partition, account and QOS of the probe (as a step would get them)
     * @param lead       the warning lead asked for ({@code --signal=B:USR1@lead})
     * @param modules    environment modules loaded before the engine checks
     */
    public record Request(Optional<String> partition, Optional<String> account, Optional<String> qos,
                          Duration lead, List<Engine> engines, List<String> modules) {
        public Request {
            engines = List.copyOf(engines);
            modules = List.copyOf(modules);
            if (lead.isNegative() || lead.isZero()) throw new IllegalArgumentException("lead must be positive");
        }

        /** Whole minutes: the lead plus a little time to notice it. */
        public int timeLimitMinutes() {
            return (int) Math.max(1, (lead.toSeconds() + 10 + 59) / 60);
        }

        /**
         * How long the batch shell waits for the warning: up to 10 s short of the time limit (half the lead when that
         * is shorter), so the wait ends after the warning is due ({@code limit - lead}) but before Slurm ends the job.
         */
        int waitForSignalSeconds() {
            long limit = timeLimitMinutes() * 60L;
            return (int) (limit - Math.min(10, Math.max(1, lead.toSeconds() / 2)));
        }
    }

    private ProbeScript() {}

    public static String render(Request req, java.nio.file.Path probeDir, CoordinatorLaunch launch) {
        String d = Quoting.shell(probeDir.toString());
        List<String> l = new ArrayList<>();
        l.add("#!/bin/bash");
        l.add("#SBATCH --job-name=crflow-doctor");
        l.add("#SBATCH --time=" + req.timeLimitMinutes());
        l.add("#SBATCH --signal=B:USR1@" + req.lead().toSeconds());
        l.add("#SBATCH --requeue");
        l.add("#SBATCH --nodes=1");
        l.add("#SBATCH --ntasks=1");
        l.add("#SBATCH --open-mode=append");
        l.add("#SBATCH --output=" + Quoting.sbatch(probeDir.resolve("slurm-%j.out").toString()));
        req.partition().ifPresent(p -> l.add("#SBATCH --partition=" + Quoting.sbatch(p)));
        req.account().ifPresent(a -> l.add("#SBATCH --account=" + Quoting.sbatch(a)));
        req.qos().ifPresent(q -> l.add("#SBATCH --qos=" + Quoting.sbatch(q)));
        l.add("D=" + d);
        l.add("got_signal=0");
        l.add("trap 'got_signal=1' USR1");
        l.add("# a site's own warning signal (SBATCH_SIGNAL=B:USR2@...) must not end the probe: the check reports it");
        l.add("trap 'echo USR2 >> \"$D/other-signal\"' USR2");
        l.add("start=$(date +%s)");
        l.add("# second run: the requeue worked and the job ran again");
        l.add("if [ \"${SLURM_RESTART_COUNT:-0}\" -gt 0 ]; then echo \"$SLURM_RESTART_COUNT\" > \"$D/requeued\"; echo done > \"$D/done\"; exit 0; fi");
        l.add("hostname > \"$D/node\"");
        l.add("# the control root is shared: the token written on the login node is readable here");
        l.add("cat \"$D/token\" > \"$D/token.seen\" 2>/dev/null");
        l.add("# the release's own runtime starts the coordinator here (no java on PATH needed)");
        List<String> selfTest = new ArrayList<>();
        selfTest.add(launch.java().toString());
        selfTest.addAll(launch.jvmFlags());
        selfTest.addAll(List.of("-jar", launch.jar().toString(), "self-test"));
        l.add(String.join(" ", selfTest.stream().map(Quoting::shell).toList()) + " > \"$D/runtime.out\" 2>&1; echo $? > \"$D/runtime.rc\"");
        if (!req.modules().isEmpty()) {
            l.add("if type module >/dev/null 2>&1; then");
            for (String m : req.modules()) l.add("  module load " + Quoting.shell(m) + " >> \"$D/modules.out\" 2>&1 || echo " + Quoting.shell(m) + " >> \"$D/modules.failed\"");
            l.add("else echo 'no module command' > \"$D/modules.failed\"; fi");
        }
        for (Engine e : req.engines()) {
            String name = e.name().toLowerCase(java.util.Locale.ROOT);
            l.add("( " + engineFunction(e) + " ) > \"$D/engine-" + name + ".out\" 2>&1; echo $? > \"$D/engine-" + name + ".rc\"");
        }
        l.add("# the warning signal at the lead asked for; given up a little before the time limit, so that a signal that");
        l.add("# never comes is reported as such (and the requeue still tried), not lost with the job at its TIMEOUT");
        l.add("limit=" + req.waitForSignalSeconds());
        l.add("while [ \"$got_signal\" = 0 ] && [ $(( $(date +%s) - start )) -lt \"$limit\" ]; do sleep 1 & wait $!; done");
        l.add("echo \"$(( $(date +%s) - start )) $got_signal\" > \"$D/signal\"");
        l.add("# requeue and release the requeue hold, as the coordinator does after a checkpoint");
        l.add("trap '' TERM");
        l.add("scontrol requeue \"$SLURM_JOB_ID\" > \"$D/requeue.out\" 2>&1; rc=$?; echo $rc > \"$D/requeue.rc\"");
        l.add("if [ \"$rc\" != 0 ]; then echo done > \"$D/done\"; exit 0; fi");
        l.add("sleep 3   # not in the requeue's second: slurmd refuses a launch whose credential is not newer than the revoke");
        l.add("rel=1; for i in 1 2 3 4 5 6 7 8 9 10; do");
        l.add("  if scontrol update JobId=\"$SLURM_JOB_ID\" StartTime=now > \"$D/release.out\" 2>&1; then rel=0; break; fi; sleep 1");
        l.add("done; echo $rel > \"$D/release.rc\"");
        l.add("exit 0   # as the coordinator does: the job is requeued, the next run writes 'done'");
        return String.join("\n", l) + "\n";
    }

    /** A subshell body whose exit status and output say whether the engine works on this node. */
    static String engineFunction(Engine e) {
        return switch (e) {
            case SIGNAL -> "echo 'the application checkpoints itself on the signal: nothing is needed on the node'";
            case CRIU -> "command -v criu >/dev/null || { echo 'criu not on PATH (load its module in the settings)'; exit 1; }; "
                    + "criu --version | head -n 1; echo 'found; the probe does not dump a process with CRIU (it needs privileges set up per site)'";
            case DMTCP -> String.join(" ", List.of(
                    "export PATH=\"${DMTCP_HOME:+$DMTCP_HOME/bin:}$PATH:/opt/dmtcp/bin\";",
                    "w=\"$D/engine-dmtcp\"; mkdir -p \"$w/ckpt\" && cd \"$w\" || exit 1;",
                    "for t in dmtcp_launch dmtcp_restart dmtcp_command dmtcp_coordinator; do command -v \"$t\" >/dev/null || { echo \"$t not found ($DMTCP_HOME/bin, PATH, /opt/dmtcp/bin)\"; exit 1; }; done;",
                    "coord() { rm -f \"$1\"; dmtcp_coordinator --daemon --exit-on-last -p 0 --port-file \"$1\" --ckptdir \"$w/ckpt\" >/dev/null 2>&1 || return 1;",
                    "  for i in $(seq 100); do [ -s \"$1\" ] && return 0; sleep 0.1; done; return 1; };",
                    "coord \"$w/port1\" || { echo 'dmtcp_coordinator did not start'; exit 1; }; p1=$(cat \"$w/port1\");",
                    "dmtcp_launch --join-coordinator --coord-host 127.0.0.1 --coord-port \"$p1\" --ckptdir \"$w/ckpt\" --no-gzip",
                    "bash -c 'i=0; while :; do i=$((i+1)); echo $i > n; sleep 0.1; done' >/dev/null 2>&1 &",
                    "for i in $(seq 100); do [ -s n ] && break; sleep 0.1; done;",
                    "dmtcp_command --coord-host 127.0.0.1 --coord-port \"$p1\" --bcheckpoint >/dev/null 2>&1 || { echo 'dmtcp_command --bcheckpoint failed'; exit 1; };",
                    "ls ckpt/ckpt_*.dmtcp >/dev/null 2>&1 || { echo 'no checkpoint image was written'; exit 1; };",
                    "dmtcp_command --coord-host 127.0.0.1 --coord-port \"$p1\" --quit >/dev/null 2>&1; wait; q=$(cat n);",
                    "coord \"$w/port2\" || { echo 'dmtcp_coordinator did not start for the restart'; exit 1; }; p2=$(cat \"$w/port2\");",
                    "dmtcp_restart --join-coordinator --coord-host 127.0.0.1 --coord-port \"$p2\" --ckptdir \"$w/ckpt\" ckpt/ckpt_*.dmtcp >/dev/null 2>&1 &",
                    "for i in $(seq 100); do [ \"$(cat n)\" != \"$q\" ] && break; sleep 0.1; done; r=$(cat n);",
                    "dmtcp_command --coord-host 127.0.0.1 --coord-port \"$p2\" --quit >/dev/null 2>&1; wait;",
                    "[ \"$r\" != \"$q\" ] || { echo \"the restarted process did not run (counter stayed at $q)\"; exit 1; };",
                    "echo \"$(dmtcp_launch --version 2>&1 | head -n 1): checkpointed a counter, restarted it, it counted on ($q -> $r)\""));
        };
    }
}
