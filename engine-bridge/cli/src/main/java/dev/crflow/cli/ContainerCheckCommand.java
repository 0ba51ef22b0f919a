package dev.crflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.crflow.coordinator.container.CommandRunner;
import dev.crflow.coordinator.container.ImageCheck;
import dev.crflow.coordinator.container.RuntimeKind;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.container.ContainerChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "container-check", mixinStandardHelpOptions = true,
        description = {"Report whether a container image has what the checkpoint engine needs.",
                "Runs crflow's in-container shim ('check') inside IMAGE with the real runtime: the same shim and",
                "mounts a step would get. Nothing is pulled: a podman image must be in the local store.",
                "Shifter and podman-hpc exist on NERSC systems only: elsewhere the check says so (exit 3)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                ExitCodes.OK + ":the image has what the engine needs",
                ExitCodes.INVALID_INPUT + ":malformed image reference, unknown runtime or engine, bad mount",
                ExitCodes.ENVIRONMENT + ":runtime not installed, image not present, or the image lacks a tool the engine needs"})
public final class ContainerCheckCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image reference, as the step's container block writes it.")
    String image;

    @Option(names = "--runtime", required = true, paramLabel = "R", description = "shifter, podman-hpc, podman or apptainer.")
    String runtime;

    @Option(names = "--engine", paramLabel = "E", defaultValue = "none",
            description = "dmtcp, signal or none (default: ${DEFAULT-VALUE}); dmtcp needs dmtcp_launch, dmtcp_restart, dmtcp_command and dmtcp_coordinator inside the image.")
    String engine;

    @Option(names = "--mount", paramLabel = "HOST:CTR[:ro]", description = "A bind mount, as in the container block (repeatable), e.g. /opt/dmtcp:/opt/dmtcp:ro.")
    List<String> mounts = new ArrayList<>();

    @Option(names = "--module", paramLabel = "M", description = "A shifter/podman-hpc module (repeatable).")
    List<String> modules = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long the runtime may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "One JSON object, for machines.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String eng = engine.toLowerCase(java.util.Locale.ROOT);
        if (!List.of("dmtcp", "signal", "none", "criu").contains(eng)) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "unknown engine '" + engine + "'; use dmtcp, signal or none");
        }
        if (RuntimeKind.parse(runtime).isEmpty()) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "unknown container runtime '" + runtime + "'; use one of " + RuntimeKind.choices());
        }
        ImageCheck.Report r = new ImageCheck(CommandRunner.system(), System.getenv("PATH"), timeout)
                .check(runtime, image, eng, mounts, modules);
        int code = switch (r.verdict()) {
            case OK -> ExitCodes.OK;
            case INVALID -> ExitCodes.INVALID_INPUT;
            case MISSING, ERROR -> ExitCodes.ENVIRONMENT;
        };
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", r.image());
            m.put("runtime", RuntimeKind.parse(r.runtime()).map(RuntimeKind::command).orElse(r.runtime()));
            m.put("engine", r.engine());
            m.put("ok", r.verdict() == ImageCheck.Verdict.OK);
            m.put("verdict", r.verdict().name());
            m.put("message", r.message());
            m.put("facts", r.facts());
            m.put("missing", r.missing());
            m.put("command", r.command());
            m.put("exitCode", code);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
            out.flush();
            return code;
        }
        if (r.verdict() != ImageCheck.Verdict.OK) {
            if (!r.facts().isEmpty()) printFacts(out, r);
            out.flush();
            throw new CrflowException(code, r.message());
        }
        printFacts(out, r);
        out.println("ok: " + r.message());
        out.flush();
        return code;
    }

    private static void printFacts(PrintWriter out, ImageCheck.Report r) {
        r.facts().forEach((k, v) -> {
            if (!k.equals("ok") && !k.equals("missing")) out.println(String.format("  %-18s %s", k, v));
        });
    }

    /**
     * Before a run submits anything: every containerised step's runtime is installed and its image reference is
     * well formed. A malformed reference or mount is invalid input (exit 2); a runtime missing on this machine is
     * an environment problem (exit 3). All problems are reported at once.
     */
    static void requireUsableContainers(List<Step> steps) {
        List<ContainerChecks.Problem> problems = ContainerChecks.check(steps, System.getenv("PATH"), true);
        if (problems.isEmpty()) return;
        int code = ContainerChecks.onlyEnvironment(problems) ? ExitCodes.ENVIRONMENT : ExitCodes.INVALID_INPUT;
        String text = problems.stream().map(ContainerChecks.Problem::message).collect(Collectors.joining("\n  "));
        throw new CrflowException(code, (problems.size() == 1 ? "" : problems.size() + " container problems:\n  ") + text);
    }
}
