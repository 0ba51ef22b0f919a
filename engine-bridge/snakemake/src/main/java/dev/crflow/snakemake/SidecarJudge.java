package dev.crflow.snakemake;

import dev.crflow.executor.control.StepResult;
import dev.crflow.executor.slurm.QueueEntry;
import dev.crflow.executor.slurm.QueueSnapshot;
import dev.crflow.executor.slurm.SlurmClient;
import dev.crflow.executor.slurm.SlurmException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

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
        Optional<BridgeRoot.IndexedJob> indexed = bridge.lookup(id);
        Optional<StepResult> result = indexed.flatMap(j -> j.control().readResult());
        Optional<QueueEntry> entry = snap.job(id);
        boolean listedSinceSubmit = indexed.map(j -> !snap.takenAt().isBefore(j.submitted())).orElse(true);
        boolean alive = indexed.flatMap(j -> j.control().readTree(j.control().heartbeat()))
                .map(n -> n.path("time").asText(""))
                .flatMap(SidecarJudge::instant)
                .map(t -> Duration.between(t, clock.instant()).compareTo(StatusCommand.HEARTBEAT_FRESH) < 0).orElse(false);
        SnakemakeStatus.Decision d = SnakemakeStatus.decide(snap.known(), entry, result, listedSinceSubmit, alive);
        if (d.status() == SnakemakeStatus.RUNNING && indexed.isPresent()) {
            if (entry.isPresent() && entry.get().inRequeueHold()) {
                try {
                    slurm.releaseRequeueHold(id);   // the coordinator does it too; this is the driver's half
                } catch (SlurmException ignored) {
                    // still running; the next round tries again
                }
            }
            OutputNet.readFacts(indexed.get().control().path()).ifPresent(f -> {
                OutputNet.restore(f);
                OutputNet.guard(f);
            });
        }
        return d;
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
