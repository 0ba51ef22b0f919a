package dev.crflow.coordinator.run;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.spec.StepSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The step's command as the engines start it: argv (never through a shell string of ours) and environment. */
final class AppCommand {
    private AppCommand() {}

    /** {@code bash -c TEXT}, or {@code bash step-script.sh} for a script (written to the control directory). */
    static List<String> argv(StepSpec spec, ControlDir ctl) throws IOException {
        if (spec.command().kind() == StepSpec.CommandSpec.Kind.SCRIPT) {
            Path script = ctl.root().resolve("step-script.sh");
            SafeFiles.writeAtomically(script, spec.command().text());
            return List.of("/bin/bash", script.toString());
        }
        return List.of("/bin/bash", "-c", spec.command().text());
    }

    /** The spec's environment plus {@code CRFLOW_STEP}, {@code CRFLOW_ATTEMPT}, {@code CRFLOW_CONTROL_DIR}. */
    static Map<String, String> env(StepSpec spec, ControlDir ctl, int attempt) {
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.put("CRFLOW_STEP", spec.name() == null ? "" : spec.name());
        env.put("CRFLOW_ATTEMPT", Integer.toString(attempt));
        env.put("CRFLOW_CONTROL_DIR", ctl.root().toString());
        return env;
    }
}
