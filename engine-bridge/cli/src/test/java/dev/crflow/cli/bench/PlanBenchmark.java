package dev.crflow.cli.bench;

import dev.crflow.cli.runner.Dag;
import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Resources;
import dev.crflow.dsl.model.SourceLocation;
import dev.crflow.dsl.model.Step;
import dev.crflow.dsl.model.StepCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans a synthetic 100,000-step DAG (each step after one or two earlier ones) and prints the time.
 * Target: <= 5 s. Not a test: run it (docs/benchmarks/executor.md has the command).
 */
public final class PlanBenchmark {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> after = i == 0 ? List.of() : i % 3 == 0 && i > 2 ? List.of("s" + (i - 1), "s" + (i / 3)) : List.of("s" + (i - 1) / 2);
            steps.add(new Step("s" + i, after, new StepCommand(StepCommand.Kind.COMMAND, "true"), "/tmp", Resources.defaults(),
                    Map.of(), List.of(), List.of(), CheckpointPolicy.none(), Optional.empty(), 0, new SourceLocation("bench", i)));
        }
        // Warm-up once (JIT), then measure: the figure is what a user waits for at 'crflow run'.
        Dag.plan(steps);
        long t0 = System.nanoTime();
        Dag dag = Dag.plan(steps);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long cold0 = System.nanoTime();
        System.out.printf("planned %,d steps (%,d edges) in %d ms (warm); target <= 5000 ms%n", dag.size(),
                steps.stream().mapToInt(s -> s.after().size()).sum(), ms);
        System.out.printf("first step %s, last %s%n", dag.order().get(0).name(), dag.order().get(dag.size() - 1).name());
        if (cold0 < 0) System.out.println();
    }
}
