package dev.crflow.cli.runner;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.dsl.model.ModelJson;
import dev.crflow.executor.control.PrivateFiles;
import dev.crflow.executor.control.StepControlDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <workdir>/.crflow/}: {@code run.json}, {@code lock}, {@code workflow.json} (the resolved workflow of the
 * last {@code crflow run}), {@code requests/} (cancel) and {@code steps/<step>/} (control directories, plus the
 * driver's {@code driver.json}).
 */
public final class RunDirectory {
    private final Path root;

    public RunDirectory(Path workdir) {
        this.root = workdir.toAbsolutePath().normalize().resolve(".crflow");
    }

    public Path root() { return root; }

    public boolean exists() { return Files.isRegularFile(root.resolve("run.json")); }

    public RunDirectory create() {
        try {
            PrivateFiles.directory(root);
            PrivateFiles.directory(root.resolve("steps"));
            PrivateFiles.directory(root.resolve("requests"));
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot create " + root + ": " + e.getMessage(), e);
        }
        return this;
    }

    public StepControlDir step(String name) { return new StepControlDir(root.resolve("steps").resolve(name)); }

    public Optional<RunInfo> info() { return read(root.resolve("run.json"), RunInfo.class); }

    public void writeInfo(RunInfo info) { write(root.resolve("run.json"), info); }

    public Optional<dev.crflow.dsl.model.Workflow> workflow() {
        return read(root.resolve("workflow.json"), dev.crflow.dsl.model.Workflow.class);
    }

    public void writeWorkflow(dev.crflow.dsl.model.Workflow w) { write(root.resolve("workflow.json"), w); }

    public DriverStepState driverState(String step) {
        return read(step(step).path().resolve("driver.json"), DriverStepState.class).orElse(DriverStepState.initial());
    }

    public void writeDriverState(String step, DriverStepState s) {
        try {
            step(step).create();
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot create the control directory of " + step + ": " + e.getMessage(), e);
        }
        write(step(step).path().resolve("driver.json"), s);
    }

    public Path cancelRequest() { return root.resolve("requests").resolve("cancel"); }

    /** Requires an existing run: the error says how to start one. */
    public RunInfo requireRun() {
        return info().orElseThrow(() -> new CrflowException(ExitCodes.INVALID_INPUT, "no crflow run in " + root.getParent()
                + " (start one with 'crflow run FILE', or pass --workdir DIR of an existing run)"));
    }

    private static <T> Optional<T> read(Path file, Class<T> type) {
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(dev.crflow.executor.control.ControlJson.mapper().readValue(file.toFile(), type));
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, Object value) {
        try {
            PrivateFiles.writeAtomically(file, dev.crflow.executor.control.ControlJson.mapper().writeValueAsString(value));
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
