package dev.crflow.snakemake;

import dev.crflow.executor.control.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Snakemake profile ({@code DIR/config.yaml} and the small scripts it names) that runs rules through crflow, so
 * users run {@code snakemake --profile DIR}.
 * <ul>
 *   <li>Snakemake 7: the {@code --cluster} contract with the fast status path: {@code cluster-sidecar} starts
 *   {@code crflow snakemake sidecar} once, and {@code cluster-status} is {@code crflow-status}, a POSIX sh client
 *   that answers "running" from the sidecar's files without starting a JVM (see {@link Sidecar}).</li>
 *   <li>Snakemake 8: the same contract through the {@code cluster-generic} executor plugin (same sidecar).</li>
 *   <li>Snakemake 9 (and 8): {@code executor: crflow}, the {@code snakemake-executor-plugin-crflow} package.</li>
 * </ul>
 * Snakemake runs the sidecar and the cancel command WITHOUT a shell (one executable path, no arguments), hence
 * scripts in the profile directory rather than command lines.
 */
public final class ProfileWriter {
    public enum Target {
        SNAKEMAKE_7, SNAKEMAKE_8, SNAKEMAKE_9;

        public static Target parse(String major) {
            return switch (major.strip()) {
                case "7" -> SNAKEMAKE_7;
                case "8" -> SNAKEMAKE_8;
                case "9" -> SNAKEMAKE_9;
                default -> throw new IllegalArgumentException("--snakemake must be 7, 8 or 9, not '" + major + "'");
            };
        }

        public String major() { return name().substring(name().length() - 1); }
    }

    static final String STATUS_SCRIPT = "crflow-status";
    static final String SIDECAR_SCRIPT = "crflow-sidecar";
    static final String CANCEL_SCRIPT = "crflow-cancel";

    private final String bridge;
    private final String submit;
    private final Path dir;
    private final Target target;
    /** Settings as Snakemake's long options; values already in YAML form. */
    private final Map<String, String> settings = new LinkedHashMap<>();

    public ProfileWriter(Path launcher, Optional<Path> policy, int jobs, int latencyWaitSeconds, int restartTimes, Path dir, Target target) {
        this(List.of(launcher.toAbsolutePath().normalize().toString(), "snakemake"), policy, jobs, latencyWaitSeconds, restartTimes, dir, target);
    }

    /** @param bridgeWords the words that start {@code crflow snakemake} (tests run the module's own main class) */
    public ProfileWriter(List<String> bridgeWords, Optional<Path> policy, int jobs, int latencyWaitSeconds, int restartTimes,
                         Path dir, Target target) {
        this.bridge = String.join(" ", bridgeWords.stream().map(ShellWords::quote).toList());
        this.dir = dir.toAbsolutePath().normalize();
        this.target = target;
        Optional<String> policyPath = policy.map(p -> p.toAbsolutePath().normalize().toString());
        this.submit = bridge + " submit" + policyPath.map(p -> " --policy " + ShellWords.quote(p)).orElse("");
        switch (target) {
            case SNAKEMAKE_7 -> {
                settings.put("cluster", yaml(submit));
                // Run through the shell as `{cluster-status} '{jobid}'`: a shell word. Sidecar and cancel are run
                // without a shell: plain paths.
                settings.put("cluster-status", yaml(ShellWords.quote(script(STATUS_SCRIPT))));
                settings.put("cluster-sidecar", yaml(script(SIDECAR_SCRIPT)));
                settings.put("cluster-cancel", yaml(script(CANCEL_SCRIPT)));
                settings.put("cluster-cancel-nargs", "200");
                // A running job's status is a file read (the sidecar's answer), so Snakemake may ask often; a
                // final answer is one JVM per job, and Snakemake calls status one at a time.
                settings.put("max-status-checks-per-second", "100");
                settings.put("max-jobs-per-second", "10");
            }
            case SNAKEMAKE_8 -> {
                settings.put("executor", "cluster-generic");
                settings.put("cluster-generic-submit-cmd", yaml(submit));
                settings.put("cluster-generic-status-cmd", yaml(ShellWords.quote(script(STATUS_SCRIPT))));
                settings.put("cluster-generic-sidecar-cmd", yaml(script(SIDECAR_SCRIPT)));
                settings.put("cluster-generic-cancel-cmd", yaml(script(CANCEL_SCRIPT)));
                settings.put("cluster-generic-cancel-nargs", "200");
                settings.put("max-status-checks-per-second", "100");
                settings.put("max-jobs-per-second", "10");
            }
            case SNAKEMAKE_9 -> {
                settings.put("executor", "crflow");
                settings.put("crflow-bridge", yaml(bridge));
                policyPath.ifPresent(p -> settings.put("crflow-policy", yaml(p)));
                // One `crflow snakemake plugin status` (one JVM, one squeue) answers for every active job.
                settings.put("max-status-checks-per-second", "1");
                settings.put("max-jobs-per-second", "10");
            }
        }
        settings.put("jobs", String.valueOf(jobs));
        settings.put("latency-wait", String.valueOf(latencyWaitSeconds));
        // Application failures: Snakemake resubmits; the new job resumes from the newest checkpoint.
        settings.put(target == Target.SNAKEMAKE_7 ? "restart-times" : "retries", String.valueOf(restartTimes));
        settings.put("printshellcmds", "true");
        // A restarted Snakemake refuses to start while a running job's output exists and is marked incomplete
        // (IncompleteFilesException). With rerun-incomplete it "resubmits" the job instead; crflow's submit
        // recognises the job (same rule, wildcards, inputs) still queued or running and answers its id: a
        // reattach, without a second sbatch.
        settings.put("rerun-incomplete", "true");
    }

    public Target target() { return target; }

    private String script(String name) { return dir.resolve(name).toString(); }

    public String configYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Snakemake ").append(target.major()).append(" profile written by `crflow snakemake profile`: run `snakemake --profile <this dir>`.\n");
        out.append("# Rules run as checkpointable crflow steps on Slurm (docs/snakemake.md). Requeues and\n");
        out.append("# walltimes are handled inside the job; a Snakemake restarted after a crash reattaches to\n");
        out.append("# its running jobs (crflow's submit answers the running job's id instead of submitting again).\n");
        if (target == Target.SNAKEMAKE_9) {
            out.append("# Needs the snakemake-executor-plugin-crflow package (engine-bridge/snakemake/python).\n");
        } else if (target == Target.SNAKEMAKE_8) {
            out.append("# Needs the snakemake-executor-plugin-cluster-generic package.\n");
        }
        for (Map.Entry<String, String> e : settings.entrySet()) out.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        return out.toString();
    }

    /** The scripts the profile names, by file name (empty for Snakemake 9: the plugin talks to crflow itself). */
    public Map<String, String> scripts() {
        Map<String, String> s = new LinkedHashMap<>();
        if (target == Target.SNAKEMAKE_9) return s;
        s.put(STATUS_SCRIPT, statusClient());
        s.put(SIDECAR_SCRIPT, "#!/bin/sh\n# Snakemake's --cluster-sidecar (written by `crflow snakemake profile`): one process per Snakemake run.\n"
                + "exec " + bridge + " sidecar\n");
        s.put(CANCEL_SCRIPT, cancelClient());
        return s;
    }

    /**
     * The status command Snakemake runs once per job per check. Fast path, without starting any program: the
     * sidecar named by {@code SNAKEMAKE_CLUSTER_SIDECAR_VARS} ({@code crflow-sidecar:PID:DIR}) is alive
     * ({@code kill -0}, a shell builtin) and keeps {@code DIR/answers/JOBID}, which it does only for a job that is
     * still running. Otherwise (no sidecar, a job it does not track yet, a final answer) it marks the job as
     * wanted, so the sidecar tracks it from its next round, and runs the full status command.
     */
    String statusClient() {
        return """
                #!/bin/sh
                # Snakemake's --cluster-status (written by `crflow snakemake profile`). A running job is answered from
                # the file the sidecar (crflow snakemake sidecar) keeps for it; everything else (a final answer, a job
                # the sidecar does not track yet, no sidecar) is decided by `crflow snakemake status`.
                v=${SNAKEMAKE_CLUSTER_SIDECAR_VARS-}
                case $v in
                  crflow-sidecar:[0-9]*:/*)
                    v=${v#crflow-sidecar:}; pid=${v%%:*}; dir=${v#*:}
                    case ${1-} in
                      ''|*[!0-9_]*) ;;
                      *)
                        if [ -f "$dir/answers/$1" ] && kill -0 "$pid" 2>/dev/null; then
                          echo running
                          exit 0
                        fi
                        { true >"$dir/wanted/$1"; } 2>/dev/null ;;
                    esac ;;
                esac
                exec BRIDGE status "$@"
                """.replace("BRIDGE", bridge);
    }

    /**
     * Snakemake's cancel command, run without a shell and killed after 2 seconds: a JVM may not even start in that
     * time on a busy login node. With a live sidecar the client drops one file per job id into its {@code cancel/}
     * directory (shell builtins only) and the sidecar runs scancel; otherwise {@code crflow snakemake cancel}.
     */
    String cancelClient() {
        return """
                #!/bin/sh
                # Snakemake's --cluster-cancel (written by `crflow snakemake profile`), run without a shell and given 2 s:
                # with a live sidecar, the ids are handed to it (it runs scancel); else `crflow snakemake cancel`.
                v=${SNAKEMAKE_CLUSTER_SIDECAR_VARS-}
                case $v in
                  crflow-sidecar:[0-9]*:/*)
                    v=${v#crflow-sidecar:}; pid=${v%%:*}; dir=${v#*:}
                    ok=yes
                    for id in "$@"; do
                      case $id in ''|*[!0-9_]*) ok=no ;; esac
                    done
                    if [ $# -gt 0 ] && [ $ok = yes ] && [ -d "$dir/cancel" ] && kill -0 "$pid" 2>/dev/null; then
                      for id in "$@"; do
                        { true >"$dir/cancel/$id"; } 2>/dev/null || ok=no
                      done
                      [ $ok = yes ] && exit 0
                    fi ;;
                esac
                exec BRIDGE cancel "$@"
                """.replace("BRIDGE", bridge);
    }

    /** Writes config.yaml and the scripts (0700, atomically). */
    public void write() throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> s : scripts().entrySet()) {
            Path f = dir.resolve(s.getKey());
            PrivateFiles.writeAtomically(f, s.getValue());
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        }
        PrivateFiles.writeAtomically(dir.resolve("config.yaml"), configYaml());
    }

    /** The Snakemake 8 command line equivalent to a Snakemake 7 profile ({@code cluster-generic} plugin). */
    public List<String> snakemake8Flags() {
        List<String> f = new ArrayList<>(List.of("--executor", "cluster-generic"));
        f.add("--cluster-generic-submit-cmd");
        f.add(submit);
        f.add("--cluster-generic-status-cmd");
        f.add(ShellWords.quote(script(STATUS_SCRIPT)));
        f.add("--cluster-generic-sidecar-cmd");
        f.add(script(SIDECAR_SCRIPT));
        f.add("--cluster-generic-cancel-cmd");
        f.add(script(CANCEL_SCRIPT));
        f.add("--cluster-generic-cancel-nargs");
        f.add("200");
        f.add("--max-status-checks-per-second");
        f.add("100");
        f.add("--rerun-incomplete");
        return f;
    }

    static String yaml(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
