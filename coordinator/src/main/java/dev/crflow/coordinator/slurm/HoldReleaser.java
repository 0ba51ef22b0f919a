package dev.crflow.coordinator.slurm;

import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Releases the requeue hold after the batch step has ended, with no driver alive (issue 15).
 *
 * <p>Why a separate process: measured on Slurm 22.05, {@code scontrol requeue} from inside the job leaves it
 * {@code COMPLETING} while the batch script runs; {@code StartTime=now} is accepted then, but when the batch step ends
 * Slurm sets the hold afresh ({@code BeginTime} = end + {@code cred_expire}, 120 s by default). Only something that
 * acts <em>after</em> the batch step can release it. This starts a tiny {@code /bin/sh} loop in a session of its own
 * ({@code setsid -f}) that polls {@code scontrol show job -o ID} every 0.5 s and, once the job is
 * {@code PENDING (BeginTime)}, waits 2 s more and runs {@code scontrol update JobId=ID StartTime=now}, then exits. The
 * 2 s matter: the hold exists so that the next launch's credential is newer than the requeue's revoke on the node
 * (whole seconds); released at once, the job was refused by slurmd and ended FAILED. It also exits as soon as
 * the job is anything but completing (released by a driver, running again, gone), or at its deadline.
 *
 * <p>Where Slurm tracks job processes by ancestry ({@code ProctrackType=proctrack/linuxproc}, as scripts/local-slurm)
 * the helper, no longer a descendant of the job, outlives the batch step. Where it tracks them by cgroup it is ended
 * with the job: then, as before, a live driver releases the hold, or the job waits out the delay. Nothing depends on
 * the helper for correctness; it only saves the wait.
 */
public interface HoldReleaser {

    /** Starts the helper for {@code jobId}; answers what happened, for the requeue message. Never throws. */
    String startAfterRequeue(String jobId);

    /** Tests and local mode. */
    static HoldReleaser none() { return id -> "no hold releaser"; }

    /** The loop; its job id and deadline come as arguments ($1, $2), never pasted into the text. */
    String SCRIPT = String.join("\n",
            "exec </dev/null >/dev/null 2>&1",
            "id=$1; end=$(( $(date +%s) + $2 ))",
            "while [ \"$(date +%s)\" -lt \"$end\" ]; do",
            "  line=$(scontrol show job -o \"$id\") || exit 0",
            "  case \"$line\" in",
            "    *'JobState=COMPLETING '*|*'JobState=REQUEUED '*|*'JobState=REQUEUE_FED '*) ;;",
            // not in the same second as the requeue's credential revoke: slurmd refuses a launch whose credential is
            // not newer ("Job credential revoked") and the job ends FAILED (measured with a release 0.5 s after it)
            "    *'JobState=PENDING '*'Reason=BeginTime '*) sleep 2; scontrol update JobId=\"$id\" StartTime=now && exit 0 ;;",
            "    *) exit 0 ;;",
            "  esac",
            "  sleep 0.5",
            "done");

    /** How long the helper waits at most: the batch step's end takes KillWait (30 s by default) at worst. */
    Duration DEADLINE = Duration.ofSeconds(180);

    static List<String> command(String jobId, Duration deadline) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "-f", "/bin/sh", "-c", SCRIPT, "crflow-hold-release"));
        cmd.add(jobId);
        cmd.add(Long.toString(deadline.toSeconds()));
        return cmd;
    }

    /** The real one: {@code setsid -f} returns at once; the helper has closed the pipes before it loops. */
    static HoldReleaser detached(ProcessLauncher launcher) {
        return jobId -> {
            try {
                CommandResult r = launcher.run(command(jobId, DEADLINE), Map.of(), Duration.ofSeconds(10));
                return r.ok() ? "a detached helper releases the hold once the batch step has ended"
                        : "could not start the hold releaser (" + r.exitCode() + "): " + r.output();
            } catch (IOException e) {
                return "could not start the hold releaser: " + e.getMessage();
            }
        };
    }
}
