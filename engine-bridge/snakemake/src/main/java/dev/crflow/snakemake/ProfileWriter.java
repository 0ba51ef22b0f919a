package dev.crflow.snakemake;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Snakemake 7 profile ({@code DIR/config.yaml}) that wires the cluster contract to crflow, so users run
 * {@code snakemake --profile DIR}. Snakemake 8's {@code cluster-generic} executor keeps the same contract:
 * {@link #snakemake8Flags} gives its equivalent command line.
 */
public final class ProfileWriter {
    /** Settings as Snakemake's long options; values already in YAML form. */
    private final Map<String, String> settings = new LinkedHashMap<>();

    public ProfileWriter(Path launcher, Optional<Path> policy, int jobs, int latencyWaitSeconds, int restartTimes) {
        this(List.of(launcher.toAbsolutePath().normalize().toString(), "snakemake"), policy, jobs, latencyWaitSeconds, restartTimes);
    }

    /** @param bridge the words that start {@code crflow snakemake} (tests run the module's own main class) */
    public ProfileWriter(List<String> bridge, Optional<Path> policy, int jobs, int latencyWaitSeconds, int restartTimes) {
        String crflow = String.join(" ", bridge.stream().map(ShellWords::quote).toList());
        String policyArg = policy.map(p -> " --policy " + ShellWords.quote(p.toAbsolutePath().normalize().toString())).orElse("");
        settings.put("cluster", yaml(crflow + " submit" + policyArg));
        settings.put("cluster-status", yaml(crflow + " status"));
        settings.put("cluster-cancel", yaml(crflow + " cancel"));
        settings.put("cluster-cancel-nargs", "200");
        // Every status call reads one shared squeue snapshot, so this rate costs no extra squeue.
        settings.put("max-status-checks-per-second", "10");
        settings.put("max-jobs-per-second", "10");
        settings.put("jobs", String.valueOf(jobs));
        settings.put("latency-wait", String.valueOf(latencyWaitSeconds));
        // Application failures: Snakemake resubmits; the new job resumes from the newest checkpoint.
        settings.put("restart-times", String.valueOf(restartTimes));
        settings.put("printshellcmds", "true");
        // A restarted Snakemake refuses to start while a running job's output exists and is marked incomplete
        // (IncompleteFilesException). With rerun-incomplete it "resubmits" the job instead; crflow's submit
        // recognises the job (same rule, wildcards, inputs) still queued or running and answers its id: a
        // reattach, without a second sbatch.
        settings.put("rerun-incomplete", "true");
    }

    public String configYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Snakemake profile written by `crflow snakemake profile`: run `snakemake --profile <this dir>`.\n");
        out.append("# Rules run as checkpointable crflow steps on Slurm (docs/snakemake.md). Requeues and\n");
        out.append("# walltimes are handled inside the job; a Snakemake restarted after a crash reattaches to\n");
        out.append("# its running jobs (crflow's submit answers the running job's id instead of submitting again).\n");
        for (Map.Entry<String, String> e : settings.entrySet()) out.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        return out.toString();
    }

    /** The same wiring for Snakemake 8 and later ({@code pip install snakemake-executor-plugin-cluster-generic}). */
    public List<String> snakemake8Flags() {
        List<String> f = new ArrayList<>(List.of("--executor", "cluster-generic"));
        f.add("--cluster-generic-submit-cmd");
        f.add(unyaml(settings.get("cluster")));
        f.add("--cluster-generic-status-cmd");
        f.add(unyaml(settings.get("cluster-status")));
        f.add("--cluster-generic-cancel-cmd");
        f.add(unyaml(settings.get("cluster-cancel")));
        f.add("--cluster-generic-cancel-nargs");
        f.add(settings.get("cluster-cancel-nargs"));
        f.add("--max-status-checks-per-second");
        f.add(settings.get("max-status-checks-per-second"));
        return f;
    }

    static String yaml(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String unyaml(String s) {
        return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
