package dev.crflow.dsl.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step, fully resolved (defaults and profile applied). This record, as JSON, is what the executor
 * renders and what the coordinator reads inside the job.
 *
 * @param workdir      absolute path; relative {@code workdir} values are resolved against the workflow file's folder
 * @param env          environment added to the step (insertion order kept)
 * @param modules      {@code module load} before the step
 * @param sbatchExtra  extra sbatch options, validated (never --signal, --requeue, --no-requeue, --open-mode)
 * @param retry        application-failure budget, separate from {@link CheckpointPolicy#maxRestarts()}
 */
public record Step(
        String name,
        List<String> after,
        StepCommand command,
        String workdir,
        Resources resources,
        Map<String, String> env,
        List<String> modules,
        List<String> sbatchExtra,
        CheckpointPolicy checkpoint,
        Optional<ContainerSpec> container,
        int retry,
        SourceLocation declaredAt) {

    public Step {
        after = List.copyOf(after);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        modules = List.copyOf(modules);
        sbatchExtra = List.copyOf(sbatchExtra);
    }
}
