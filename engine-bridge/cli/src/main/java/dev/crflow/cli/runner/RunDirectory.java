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
        return create(Optional.empty());
    }

    /**
     * @param controlRoot where a new run keeps its step control directories (the settings' controlRoot, docs/settings.md):
     *                    {@code steps} is then a link to {@code <controlRoot>/steps}; a run that already has its
     *                    {@code steps} keeps them where they are (its images stay found)
     */
    public RunDirectory create(Optional<Path> controlRoot) {
        Path steps = root.resolve("steps");
        try {
            PrivateFiles.directory(root);
            if (controlRoot.isPresent() && !Files.exists(steps, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Path target = PrivateFiles.directory(PrivateFiles.directory(controlRoot.get()).resolve("steps"));
                Files.createSymbolicLink(steps, target);
            }
            PrivateFiles.directory(steps);
            PrivateFiles.directory(root.resolve("requests"));
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot create " + root + controlRoot.map(c -> " (control root " + c + ")").orElse("")
                    + ": " + e.getMessage(), e);
        }
        return this;
    }

    /**
     * The step control directories: {@code .crflow/steps}, or where its link points (the settings' controlRoot), by
     * the real path, so job scripts name storage the compute nodes mount and not the link in the work directory.
     */
    public Path stepsDirectory() {
        Path steps = root.resolve("steps");
        if (Files.isSymbolicLink(steps)) {
            try {
                return steps.toRealPath();
            } catch (IOException e) {
                return steps; // a dangling link: the errors come from the files it should hold
            }
        }
        return steps;
    }

    public StepControlDir step(String name) { return new StepControlDir(stepsDirectory().resolve(name)); }

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
