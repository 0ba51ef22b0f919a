package dev.crflow.executor;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hand-built resolved steps for unit tests. */
public final class TestSteps {
    private TestSteps() {}

    public static Step simulate() {
        Resources r = new Resources(Optional.of("debug"), Optional.of("m1234"), Optional.of("regular"), Optional.of("cpu"),
                Optional.of(Duration.ofHours(1)), Optional.of(Duration.ofMinutes(45)), 1, 1, 2, Optional.of(4096L));
        CheckpointPolicy cp = new CheckpointPolicy(Engine.DMTCP, Optional.of(Duration.ofMinutes(5)), "USR1",
                Duration.ofSeconds(60), Optional.empty(), List.of(), 2, 50, Optional.of(Duration.ofHours(72)));
        return new Step("simulate", List.of("prepare"), new StepCommand(StepCommand.Kind.COMMAND, "./my_g4.sh"),
                "/work/runs/sim", r, Map.of("OMP_NUM_THREADS", "2"), List.of("dmtcp"), List.of("--exclusive"),
                cp, Optional.empty(), 2, new SourceLocation("/work/g4.groovy", 7));
    }

    public static Step minimal(String name, List<String> after) {
        return new Step(name, after, new StepCommand(StepCommand.Kind.COMMAND, "true"), "/tmp", Resources.defaults(),
                Map.of(), List.of(), List.of(), CheckpointPolicy.none(), Optional.empty(), 0, new SourceLocation("/tmp/w.groovy", 1));
    }

    public static Step with(Step s, String name, List<String> modules, List<String> extra, Resources r) {
        return new Step(name, s.after(), s.command(), s.workdir(), r, s.env(), modules, extra, s.checkpoint(), s.container(),
                s.retry(), s.declaredAt());
    }
}
