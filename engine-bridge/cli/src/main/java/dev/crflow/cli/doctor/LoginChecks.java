package dev.crflow.cli.doctor;

import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;
import dev.crflow.executor.slurm.CoordinatorLaunch;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks {@code crflow doctor} makes on the login node at once, without submitting anything: the Slurm commands
 * and their version, the partition, the control root, the release's runtime. Slurm is reached only through the
 * {@link ProcessRunner} seam, so unit tests feed recorded outputs.
 */
public final class LoginChecks {
    /** The oldest Slurm crflow is tested against; older ones lack {@code --signal=B:} details or requeue fixes. */
    static final int[] MIN_SLURM = {20, 11};
    static final List<String> SLURM_COMMANDS = List.of("sbatch", "squeue", "scontrol", "scancel", "sinfo");
    /** Filesystems that are never shared between nodes. */
    static final Set<String> NODE_LOCAL_FS = Set.of("tmpfs", "ramfs", "devtmpfs", "overlay");
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ProcessRunner runner;
    private final String path;

    /** @param path the PATH the commands are looked up on */
    public LoginChecks(ProcessRunner runner, String path) {
        this.runner = runner;
        this.path = path == null ? "" : path;
    }

    public List<DoctorCheck> all(Optional<String> partition, Path controlRoot, CoordinatorLaunch launch) {
        List<DoctorCheck> checks = new ArrayList<>();
        DoctorCheck commands = slurmCommands();
        checks.add(commands);
        if (commands.ok()) {
            checks.add(slurmVersion());
            checks.add(partition(partition));
        }
        checks.add(controlRoot(controlRoot));
        checks.add(runtime(launch));
        return checks;
    }

    DoctorCheck slurmCommands() {
        List<String> missing = SLURM_COMMANDS.stream().filter(c -> onPath(c).isEmpty()).toList();
        if (missing.isEmpty()) return DoctorCheck.pass("slurm-commands", String.join(", ", SLURM_COMMANDS) + " found on PATH");
        return DoctorCheck.fail("slurm-commands", "not on PATH: " + String.join(", ", missing),
                "run crflow on a Slurm login node, or load the Slurm module (e.g. 'module load slurm') first");
    }

    DoctorCheck slurmVersion() {
        ProcessResult r = run(List.of("sbatch", "--version"));
        if (!r.ok()) {
            return DoctorCheck.fail("slurm-version", "sbatch --version failed: " + r.diagnostic(),
                    "check that the Slurm client works here (munge running, slurm.conf readable)");
        }
        String text = r.stdout().strip();
        Matcher m = VERSION.matcher(text);
        if (!m.find()) return DoctorCheck.fail("slurm-version", "cannot read a version in '" + text + "'", "report this output to the crflow developers");
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        boolean ok = major > MIN_SLURM[0] || (major == MIN_SLURM[0] && minor >= MIN_SLURM[1]);
        return ok ? DoctorCheck.pass("slurm-version", text)
                : DoctorCheck.fail("slurm-version", text + " is older than " + MIN_SLURM[0] + "." + MIN_SLURM[1],
                "crflow needs Slurm " + MIN_SLURM[0] + "." + MIN_SLURM[1] + " or newer; ask the site administrators");
    }

    DoctorCheck partition(Optional<String> partition) {
        List<String> cmd = new ArrayList<>(List.of("scontrol", "show", "partition", "--oneliner"));
        partition.ifPresent(cmd::add);
        ProcessResult r = run(cmd);
        String name = partition.orElse("(default)");
        if (!r.ok()) {
            return DoctorCheck.fail("partition", "scontrol show partition " + name + ": " + r.diagnostic(),
                    partition.isPresent() ? "check the partition name ('sinfo -s' lists them) in the settings or --partition"
                            : "the Slurm controller does not answer: check 'scontrol ping'");
        }
        String line = partition.isPresent() ? r.stdout().strip()
                : r.stdout().lines().filter(l -> l.contains("Default=YES")).findFirst().orElse("");
        if (line.isEmpty()) {
            return DoctorCheck.fail("partition", "no default partition", "name a partition with --partition or in the settings");
        }
        String pname = field(line, "PartitionName").orElse(name);
        String state = field(line, "State").orElse("UNKNOWN");
        String maxTime = field(line, "MaxTime").orElse("?");
        String detail = pname + ": State=" + state + ", MaxTime=" + maxTime;
        return "UP".equals(state) ? DoctorCheck.pass("partition", detail)
                : DoctorCheck.fail("partition", detail, "the partition does not accept jobs now; choose another or ask the administrators");
    }

    DoctorCheck controlRoot(Path root) {
        try {
            Files.createDirectories(root);
            if (!Files.isWritable(root)) {
                return DoctorCheck.fail("control-root", root + " is not writable", "set controlRoot (settings or --control-root) to a directory of yours on shared storage");
            }
            FileStore store = Files.getFileStore(root);
            String type = store.type().toLowerCase(Locale.ROOT);
            String detail = root + " (filesystem " + type + ", " + store.getUsableSpace() / (1L << 30) + " GiB free)";
            if (NODE_LOCAL_FS.contains(type)) {
                return DoctorCheck.fail("control-root", detail + " is local to this machine",
                        "set controlRoot to storage every compute node mounts (e.g. /scratch or \\$HOME); images and the journal live there");
            }
            // Whether compute nodes see it is proved by --probe (control-shared); here only the obvious is refused.
            return DoctorCheck.pass("control-root", detail);
        } catch (IOException | RuntimeException e) {
            return DoctorCheck.fail("control-root", root + ": " + e.getMessage(), "set controlRoot to a directory you can create on shared storage");
        }
    }

    DoctorCheck runtime(CoordinatorLaunch launch) {
        if (!Files.isRegularFile(launch.jar())) {
            return DoctorCheck.fail("runtime", "coordinator jar missing: " + launch.jar(), "unpack the release again (lib/crflow-coordinator.jar)");
        }
        if (!Files.isExecutable(launch.java())) {
            return DoctorCheck.fail("runtime", "java missing: " + launch.java(), "unpack the release again (runtime/bin/java)");
        }
        ProcessResult r = run(List.of(launch.java().toString(), "-Xshare:auto", "-version"));
        if (!r.ok()) return DoctorCheck.fail("runtime", launch.java() + " -version: " + r.diagnostic(), "unpack the release again; the runtime is damaged");
        String first = (r.stderr().isBlank() ? r.stdout() : r.stderr()).lines().findFirst().orElse("").strip();
        return DoctorCheck.pass("runtime", launch.java() + " (" + first + "), " + launch.jar().getFileName());
    }

    Optional<Path> onPath(String command) {
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private ProcessResult run(List<String> cmd) {
        try {
            return runner.run(cmd, TIMEOUT);
        } catch (IOException e) {
            return new ProcessResult(127, "", e.getMessage() == null ? e.toString() : e.getMessage(), false);
        }
    }

    static Optional<String> field(String line, String key) {
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\\S*)").matcher(line);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
