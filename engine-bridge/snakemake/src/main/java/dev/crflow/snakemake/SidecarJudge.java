package dev.crflow.snakemake;

import dev.crflow.executor.slurm.QueueSnapshot;
import dev.crflow.executor.slurm.SlurmClient;

import java.time.Clock;

/**
 * The sidecar's view of one job: the same inputs and the same table ({@link SnakemakeStatus#decide}) as
 * {@code crflow snakemake status}, and the same per-call duties for a job that is still running (release a
 * requeue hold, keep its outputs netted). What it deliberately does NOT do is the final answer's duties
 * (recording that Snakemake was told "success", releasing the net): only the status command does those, when
 * Snakemake really asks, so a final answer never comes from the sidecar (see {@link Sidecar}).
 */
final class SidecarJudge {
    private final BridgeRoot bridge;
    private final SlurmClient slurm;
    private final Clock clock;

    SidecarJudge(BridgeRoot bridge, SlurmClient slurm, Clock clock) {
        this.bridge = bridge;
        this.slurm = slurm;
        this.clock = clock;
    }

    SnakemakeStatus.Decision judge(String id, QueueSnapshot snap) {
        SnakemakeStatus.Decision d = StatusCommand.judge(id, snap, bridge, slurm, clock);
        if (d.status() == SnakemakeStatus.RUNNING) {
            bridge.lookup(id).flatMap(j -> OutputNet.readFacts(j.control().path())).ifPresent(f -> {
                OutputNet.restore(f);
                OutputNet.guard(f);
            });
        }
        return d;
    }
}
