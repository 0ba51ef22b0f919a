package dev.crflow.cli.report;

import dev.crflow.cli.report.StepModel.Source;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every step found below a root, read from its files. */
public record RunReport(Path root, Instant generatedAt, RunMeta meta, List<StepReport> steps, List<String> warnings) {

    public RunReport {
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings);
    }

    public static RunReport load(Path root, Clock clock) throws IOException {
        ControlDirReader reader = new ControlDirReader(clock);
        List<String> warnings = new ArrayList<>();
        RunMeta meta = RunMeta.read(root, warnings);
        List<Source> sources = new ArrayList<>(ControlDirDiscovery.discover(root));
        // Steps of the workflow without a control directory yet (waiting for the steps they come after).
        Optional<Path> stepsDir = RunMeta.runDirectoryOf(root).map(d -> d.resolve("steps"));
        if (stepsDir.isPresent()) {
            for (String name : meta.stepsInOrder().keySet()) {
                boolean plainName = !name.contains("/") && !name.contains("\\") && !name.equals("..") && !name.equals(".");
                if (plainName && sources.stream().noneMatch(s -> s.name().equals(name))) {
                    sources.add(new Source(name, stepsDir.get().resolve(name)));
                }
            }
        }
        List<StepReport> steps = new ArrayList<>();
        for (Source s : sources) {
            steps.add(reader.read(s));
        }
        steps = displayNames(steps);
        // The workflow's order when crflow run recorded it; otherwise as it happened: first started first,
        // steps not yet started last, by name.
        List<String> order = new ArrayList<>(meta.stepsInOrder().keySet());
        steps.sort(Comparator.comparingInt((StepReport s) -> order.contains(s.name()) ? order.indexOf(s.name()) : Integer.MAX_VALUE)
                .thenComparing(s -> s.start().orElse(Instant.MAX)).thenComparing(StepReport::name));
        return new RunReport(root.toAbsolutePath().normalize(), clock.instant(), meta, steps, warnings);
    }

    /**
     * The spec's step name where it names one step only (a Nextflow process or Snakemake rule that ran once);
     * with the directory path where several control directories share it; the path when there is no spec.
     */
    private static List<StepReport> displayNames(List<StepReport> steps) {
        Map<String, Long> uses = steps.stream().flatMap(s -> s.specName().stream())
                .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        List<StepReport> out = new ArrayList<>();
        for (StepReport s : steps) {
            String path = s.name();
            String name = s.specName().map(n -> uses.get(n) == 1 || n.equals(path) ? n : n + " (" + path + ")").orElse(path);
            out.add(name.equals(path) ? s : s.withName(name));
        }
        return out;
    }

    public Optional<Instant> start() {
        return steps.stream().map(StepReport::start).flatMap(Optional::stream).min(Comparator.naturalOrder());
    }

    public Optional<Instant> end() {
        return steps.stream().map(StepReport::end).flatMap(Optional::stream).max(Comparator.naturalOrder());
    }

    /** The run-wide sums the header shows. */
    public RunTotals totals() { return RunTotals.of(steps); }

    public int attempts() { return totals().attempts(); }

    public int checkpoints() { return totals().checkpoints(); }
}
