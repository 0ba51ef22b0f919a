package dev.crflow.cli;

import dev.crflow.cli.runner.RunDirectory;
import dev.crflow.dsl.model.Workflow;
import dev.crflow.executor.control.StepControlDir;

/** Lookups shared by the commands that act on one step of an existing run. */
final class CommandSupport {
    private CommandSupport() {}

    static Workflow workflow(RunDirectory dir) {
        dir.requireRun();
        return dir.workflow().orElseThrow(() -> new CrflowException(ExitCodes.INVALID_INPUT,
                "the run in " + dir.root() + " has not started yet; run 'crflow run FILE' first"));
    }

    static StepControlDir stepDir(RunDirectory dir, String step) {
        Workflow wf = workflow(dir);
        if (wf.step(step).isEmpty()) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "no step '" + step + "' in workflow '" + wf.name() + "'; steps: "
                    + String.join(", ", wf.steps().stream().map(s -> s.name()).limit(20).toList()));
        }
        return dir.step(step);
    }
}
