package dev.crflow.cli.runner;

import dev.crflow.cli.CrflowException;
import dev.crflow.cli.ExitCodes;
import dev.crflow.dsl.model.Workflow;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Loads a workflow file through the DSL; invalid files end here with every diagnostic and exit code 2. */
public final class Workflows {
    private Workflows() {}

    public static Workflow load(Path file, Optional<String> profile) {
        if (!Files.isRegularFile(file)) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "no workflow file " + file + " (give the path of a .groovy workflow)");
        }
        try {
            // Called reflectively until the dsl module's loader is on every branch; the contract is
            // WorkflowLoader.load(Path, Optional<String>) -> Workflow, throwing DslException with diagnostics().
            Class<?> loader = Class.forName("dev.crflow.dsl.WorkflowLoader");
            Method load = loader.getMethod("load", Path.class, Optional.class);
            return (Workflow) load.invoke(null, file.toAbsolutePath().normalize(), profile);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause != null && cause.getClass().getSimpleName().equals("DslException")) {
                throw new CrflowException(ExitCodes.INVALID_INPUT, String.join("\n", diagnostics(cause)));
            }
            if (cause instanceof RuntimeException re) throw re;
            throw new CrflowException(ExitCodes.INVALID_INPUT, "cannot load " + file + ": " + cause);
        } catch (ReflectiveOperationException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "the DSL loader is missing from this build: " + e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> diagnostics(Throwable dslException) {
        try {
            Object d = dslException.getClass().getMethod("diagnostics").invoke(dslException);
            if (d instanceof List<?> list && !list.isEmpty()) return list.stream().map(String::valueOf).toList();
        } catch (ReflectiveOperationException ignored) {
            // fall through to the message
        }
        return List.of(String.valueOf(dslException.getMessage()));
    }
}
