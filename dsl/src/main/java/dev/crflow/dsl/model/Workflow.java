package dev.crflow.dsl.model;

import java.util.List;
import java.util.Optional;

/**
 * A parsed, validated workflow: every step resolved. Immutable; serialisable with {@link ModelJson}.
 *
 * @param sourceFile absolute path of the DSL file
 * @param baseDir    its folder: default workdir of every step
 * @param profile    the profile chosen with --profile, if any
 */
public record Workflow(String name, String sourceFile, String baseDir, Optional<String> profile,
                       List<Step> steps, List<PolicyRule> policy) {
    public Workflow {
        steps = List.copyOf(steps);
        policy = List.copyOf(policy);
    }

    public Optional<Step> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The first policy rule whose glob matches an external engine's process or rule name. */
    public Optional<PolicyRule> policyFor(String processName) {
        return policy.stream().filter(r -> r.matches(processName)).findFirst();
    }
}
