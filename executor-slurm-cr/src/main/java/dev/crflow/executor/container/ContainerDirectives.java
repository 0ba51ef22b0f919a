package dev.crflow.executor.container;

import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.ContainerSpec;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.slurm.SbatchDirective;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code #SBATCH} lines a container needs. Only shifter has any: {@code --image=} makes Slurm stage
 * the image on the job's nodes before the job starts, {@code --module=} the site modules (cvmfs, mpich, gpu),
 * exactly as in NERSC's job scripts. podman-hpc, podman and apptainer need nothing in the header.
 */
public final class ContainerDirectives {
    private ContainerDirectives() {}

    public static List<SbatchDirective> of(Step step) {
        return step.container().map(ContainerDirectives::of).orElse(List.of());
    }

    public static List<SbatchDirective> of(ContainerSpec c) {
        if (c.runtime() != ContainerRuntime.SHIFTER) return List.of();
        List<SbatchDirective> d = new ArrayList<>();
        d.add(SbatchDirective.of("--image", c.image()));
        if (!c.modules().isEmpty()) d.add(SbatchDirective.of("--module", String.join(",", c.modules())));
        return d;
    }
}
