package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.spec.StepSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What every engine needs to start the application.
 *
 * @param application the step's command as argv ({@code bash -c TEXT} or {@code bash SCRIPTFILE})
 * @param env         the full environment added to the application (spec env + CRFLOW_* variables)
 * @param log         messages for the job's log (stderr), prefixed by the caller
 */
public record EngineContext(StepSpec spec, ControlDir ctl, Path workdir, List<String> application,
                            Map<String, String> env, ProcessLauncher launcher, Consumer<String> log) {}
