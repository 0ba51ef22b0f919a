package dev.crflow.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what the probe job left in its directory into checks. A file that is missing means the job never got that
 * far: the check fails and says so, it is never taken as a pass.
 */
public final class ProbeResults {
    private ProbeResults() {}

    /**
     * @param dir        the probe directory
     * @param token      what the login side wrote into {@code token}
     * @param req        what the probe asked for
     * @param jobOutcome how the job ended, as the login side saw it (e.g. "COMPLETED", "did not finish within 5m")
     */
    public static List<DoctorCheck> read(Path dir, String token, ProbeScript.Request req, String jobOutcome) {
        return read(dir, token, req, jobOutcome, Map.of());
    }

    /**
     * @param env the environment the probe was submitted from (the one {@code crflow run} submits steps from): sbatch
     *            lets {@code SBATCH_*} variables override a batch script's own {@code #SBATCH} lines, so a site profile
     *            or a shell startup file can undo crflow's {@code --requeue} and {@code --signal}; the advice names them
     */
    public static List<DoctorCheck> read(Path dir, String token, ProbeScript.Request req, String jobOutcome, Map<String, String> env) {
        List<DoctorCheck> checks = new ArrayList<>();
        Optional<String> node = text(dir, "node");
        String where = node.map(n -> "on " + n).orElse("on the compute node");
        String notReached = "the probe job did not get this far (" + jobOutcome + "); its log: " + dir.resolve("slurm-*.out");

        checks.add(node.isEmpty()
                ? DoctorCheck.fail("probe-job", "the probe job never ran: " + jobOutcome,
                        "check that the partition accepts your jobs ('sbatch --test-only'), and the job's log in " + dir)
                : DoctorCheck.pass("probe-job", "ran " + where + " (" + jobOutcome + ")"));

        Optional<String> seen = text(dir, "token.seen");
        if (node.isEmpty()) {
            checks.add(DoctorCheck.fail("control-shared", notReached, "see probe-job"));
        } else if (seen.isPresent() && seen.get().equals(token)) {
            checks.add(DoctorCheck.pass("control-shared", dir.getParent() + " is the same directory " + where + " and here"));
        } else {
            checks.add(DoctorCheck.fail("control-shared", "the job " + where + " did not see the file written here in " + dir,
                    "the control root is not shared with the compute nodes: set controlRoot to shared storage (/scratch, $HOME)"));
        }

        Optional<String> rc = text(dir, "runtime.rc");
        String out = text(dir, "runtime.out").map(s -> last(s)).orElse("");
        if (rc.isEmpty()) checks.add(DoctorCheck.fail("runtime-on-node", notReached, "see probe-job"));
        else if (rc.get().equals("0")) checks.add(DoctorCheck.pass("runtime-on-node", "the release's runtime ran the coordinator " + where + ": " + out));
        else checks.add(DoctorCheck.fail("runtime-on-node", "exit " + rc.get() + " " + where + ": " + out,
                "unpack the release on storage the compute nodes mount, and run bin/crflow from there"));

        checks.add(signal(dir, req, notReached, env));
        checks.add(requeue(dir, notReached, env));
        checks.add(release(dir));

        if (Files.exists(dir.resolve("modules.failed"))) {
            checks.add(DoctorCheck.fail("modules", "not loaded " + where + ": " + text(dir, "modules.failed").orElse("").replace('\n', ' '),
                    "check the module names in the settings ('module avail' on a compute node)"));
        }
        for (ProbeScript.Engine e : req.engines()) {
            String name = e.name().toLowerCase(Locale.ROOT);
            Optional<String> erc = text(dir, "engine-" + name + ".rc");
            String eout = text(dir, "engine-" + name + ".out").map(ProbeResults::last).orElse("");
            if (erc.isEmpty()) checks.add(DoctorCheck.fail("engine-" + name, notReached, "see probe-job"));
            else if (erc.get().equals("0")) checks.add(DoctorCheck.pass("engine-" + name, eout));
            else checks.add(DoctorCheck.fail("engine-" + name, eout + " (" + where + ")", engineAdvice(e)));
        }
        return checks;
    }

    private static final String UNSET_SBATCH_SIGNAL = "unset SBATCH_SIGNAL (from a site profile or your shell startup files): "
            + "sbatch lets it override the --signal=B:USR1@LEAD line of crflow's batch scripts, so the warning does not reach "
            + "the coordinator when, or as, crflow asked";

    static DoctorCheck signal(Path dir, ProbeScript.Request req, String notReached, Map<String, String> env) {
        Optional<String> s = text(dir, "signal");
        long lead = req.lead().toSeconds();
        if (s.isEmpty()) return DoctorCheck.fail("signal", notReached, "see probe-job");
        String[] f = s.get().split("\\s+");
        long elapsed = f.length > 0 ? parse(f[0]) : -1;
        boolean got = f.length > 1 && f[1].equals("1");
        long left = req.timeLimitMinutes() * 60L - elapsed;
        if (!got) {
            String detail = "no USR1 reached the batch shell before the time limit (--signal=B:USR1@" + lead + ")";
            if (env.containsKey("SBATCH_SIGNAL")) {
                return DoctorCheck.fail("signal", detail + "; SBATCH_SIGNAL=" + env.get("SBATCH_SIGNAL") + " is set here", UNSET_SBATCH_SIGNAL);
            }
            return DoctorCheck.fail("signal", detail,
                    "the site does not deliver --signal=B: to batch shells: ask the administrators; until then use a "
                            + "checkpoint interval instead of the warning signal");
        }
        // Slurm sends the warning up to ~30 s early (its time-limit check period), never much late; half the lead is
        // a generous bound that still catches a site that ignores the lead.
        if (left * 2 < lead) {
            String detail = "USR1 arrived with " + left + " s left, less than half the " + lead + " s asked for";
            if (env.containsKey("SBATCH_SIGNAL")) {
                return DoctorCheck.fail("signal", detail + "; SBATCH_SIGNAL=" + env.get("SBATCH_SIGNAL") + " is set here", UNSET_SBATCH_SIGNAL);
            }
            return DoctorCheck.fail("signal", detail, "signals arrive late here: give checkpoints a longer lead (grace) than they need");
        }
        return DoctorCheck.pass("signal", "USR1 reached the batch shell " + elapsed + " s in, " + left + " s before the limit (asked for " + lead + " s)");
    }

    static DoctorCheck requeue(Path dir, String notReached, Map<String, String> env) {
        Optional<String> rc = text(dir, "requeue.rc");
        if (rc.isEmpty()) return DoctorCheck.fail("requeue", notReached, "see probe-job");
        String out = text(dir, "requeue.out").orElse("").replace('\n', ' ');
        if (!rc.get().equals("0")) {
            if (env.containsKey("SBATCH_NO_REQUEUE")) {
                return DoctorCheck.fail("requeue", "scontrol requeue refused: " + out + "; SBATCH_NO_REQUEUE is set here",
                        "unset SBATCH_NO_REQUEUE (from a site profile or your shell startup files): sbatch lets it override the "
                                + "--requeue line of crflow's batch scripts, and a job submitted without requeue cannot be requeued");
            }
            return DoctorCheck.fail("requeue", "scontrol requeue refused: " + out,
                    "the site does not let you requeue your own jobs (JobRequeue=0, a partition or QOS without requeue): ask the "
                            + "administrators to allow 'scontrol requeue' for crflow, or set maxRestarts 0 and fit steps in one walltime");
        }
        if (!Files.exists(dir.resolve("requeued"))) {
            return DoctorCheck.fail("requeue", "scontrol requeue was accepted but the job did not run again",
                    "look at 'sacct -j JOBID' for why the requeued job stayed pending (held, priority, reservation)");
        }
        return DoctorCheck.pass("requeue", "scontrol requeue from inside the job; it ran again (restart " + text(dir, "requeued").orElse("?") + ")");
    }

    static DoctorCheck release(Path dir) {
        Optional<String> rc = text(dir, "release.rc");
        if (rc.isEmpty()) return DoctorCheck.fail("hold-release", "not tried: the requeue did not happen", "see requeue");
        if (rc.get().equals("0")) return DoctorCheck.pass("hold-release", "scontrol update StartTime=now allowed: a requeued step starts again at once");
        return DoctorCheck.fail("hold-release", "scontrol update StartTime=now refused: " + text(dir, "release.out").orElse("").replace('\n', ' '),
                "users may not move their job's StartTime here: every requeue then waits Slurm's ~120 s requeue delay; "
                        + "ask the administrators, or accept the delay (crflow keeps working)");
    }

    static String engineAdvice(ProbeScript.Engine e) {
        return switch (e) {
            case DMTCP -> "install DMTCP on the compute nodes, or name the module that provides it in the settings (modules), or set DMTCP_HOME";
            case CRIU -> "install CRIU on the compute nodes, or name the module that provides it in the settings (modules)";
            case SIGNAL -> "nothing to install: report this to the crflow developers";
        };
    }

    static Optional<String> text(Path dir, String name) {
        try {
            Path p = dir.resolve(name);
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String last(String s) {
        List<String> lines = s.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** "5m", "90s" for messages. */
    static String human(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }
}
