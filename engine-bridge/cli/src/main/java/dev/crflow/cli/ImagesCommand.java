package dev.crflow.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crflow.executor.control.ControlJson;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.executor.control.StepControlDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "images", mixinStandardHelpOptions = true, description = "List a step's checkpoint image generations.")
public final class ImagesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkdirOption workdir;

    @Parameters(index = "0", paramLabel = "STEP") String step;

    @Option(names = "--json", description = "Machine-readable: [{\"generation\", \"path\", \"valid\", \"bytes\", \"created\"}].")
    boolean json;

    @JsonPropertyOrder({"generation", "path", "valid", "bytes", "created"})
    record Image(int generation, String path, boolean valid, long bytes, Instant created) {}

    @Override
    public Integer call() throws Exception {
        StepControlDir ctl = CommandSupport.stepDir(workdir.runDirectory(), step);
        // The coordinator's own view: a generation is valid only with its manifest, written last at commit.
        List<Image> images = ImageStore.open(ctl.path()).list().stream()
                .map((Generation g) -> new Image(g.number(), g.path().toString(), g.valid(), g.bytes(), g.created())).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ControlJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(images));
        } else if (images.isEmpty()) {
            out.println("step " + step + " has no checkpoint images yet");
        } else {
            out.printf("%-10s %-6s %14s  %-24s %s%n", "GENERATION", "VALID", "BYTES", "CREATED", "PATH");
            for (Image i : images) out.printf("%-10d %-6s %14d  %-24s %s%n", i.generation(), i.valid() ? "yes" : "NO", i.bytes(), i.created(), i.path());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
