package dev.crflow.executor.container;

import dev.crflow.coordinator.container.ContainerPreflight;
import dev.crflow.coordinator.container.ContainerProblem;
import dev.crflow.dsl.model.ContainerSpec;
import dev.crflow.dsl.model.Step;

import java.util.ArrayList;
import java.util.List;

/**
 * The container checks made before anything is submitted: every containerised step's runtime is installed
 * (on the submitting machine's PATH, which batch jobs inherit), its image reference is well formed for that
 * runtime, its mounts parse. Messages name the step and where it was declared.
 */
public final class ContainerChecks {
    private ContainerChecks() {}

    /** One problem of one step. */
    public record Problem(String step, String location, ContainerProblem problem) {
        public String message() {
            return (location.isEmpty() ? "" : location + ": ") + "step '" + step + "': " + problem.message();
        }
    }

    /**
     * @param checkInstalled false to check only what is written (e.g. {@code crflow render} for another cluster)
     */
    public static List<Problem> check(List<Step> steps, String pathVariable, boolean checkInstalled) {
        List<Problem> problems = new ArrayList<>();
        for (Step s : steps) {
            if (s.container().isEmpty()) continue;
            ContainerSpec c = s.container().get();
            String where = s.declaredAt() == null ? "" : s.declaredAt().toString();
            for (ContainerProblem p : ContainerPreflight.check(c.runtime().dslName(), c.image(), c.mounts(), pathVariable, checkInstalled)) {
                problems.add(new Problem(s.name(), where, p));
            }
        }
        return problems;
    }

    /** True when every problem is about this machine (a runtime not installed), none about what was written. */
    public static boolean onlyEnvironment(List<Problem> problems) {
        return !problems.isEmpty() && problems.stream().allMatch(p -> p.problem().kind().environment());
    }
}
