package dev.crflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crflow.cli.report.HtmlReportRenderer;
import dev.crflow.cli.report.ReportLocator;
import dev.crflow.cli.report.ReportWriter;
import dev.crflow.cli.report.RunReport;
import dev.crflow.cli.report.StepModel.LostWork;
import dev.crflow.cli.report.StepReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write one self-contained HTML page that shows what happened in the run.",
                "Per step: attempts (host, start, end, reason), checkpoints, queue gaps,",
                "memory and CPU over time, budgets used and left; a summary with restarts,",
                "checkpoint overhead, lost work and bytes stored. Reads only the step",
                "control directories' files (no Slurm calls): works during the run, after",
                "it, and for Nextflow/Snakemake roots written by the crflow bridges.",
                "The page has no script and needs no network: open it in any browser."},
        footerHeading = "%nExamples:%n",
        footer = {"  crflow report                       # ./.crflow/ -> ./.crflow/report.html",
                "  crflow report --workdir runs/a --out a.html",
                "  crflow report --root .crflow-nf     # the Nextflow bridge's control root"})
public final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "Work directory of a `crflow run` (default: the current directory); its .crflow/ is searched.")
    Path workdir;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Search this directory instead: every directory below it that holds a journal.jsonl is a step "
                    + "(Nextflow/Snakemake bridge roots, a single step control directory).")
    Path root;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.html",
            description = "Where to write the page (default: <workdir>/.crflow/report.html, or <root>/crflow-report.html with --root).")
    Path out;

    @Option(names = "--json", description = "Print a JSON summary (path written and per-step figures) instead of text.")
    boolean json;

    private final Clock clock;

    public ReportCommand() {
        this(Clock.systemUTC());
    }

    ReportCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        if (workdir != null && root != null) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "give either --workdir or --root, not both");
        }
        Path searchRoot;
        Path target;
        if (root != null) {
            if (!Files.isDirectory(root)) throw new CrflowException(ExitCodes.INVALID_INPUT, "--root " + root + ": no such directory");
            searchRoot = root;
            target = out != null ? out : ReportLocator.defaultReportPathForRoot(root);
        } else {
            Path wd = workdir != null ? workdir : Path.of("");
            if (!Files.isDirectory(wd)) throw new CrflowException(ExitCodes.INVALID_INPUT, "--workdir " + wd + ": no such directory");
            searchRoot = ReportLocator.searchRootForWorkdir(wd);
            target = out != null ? out : ReportLocator.defaultReportPath(wd);
        }

        RunReport run;
        try {
            run = RunReport.load(searchRoot, clock);
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot search " + searchRoot.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (run.steps().isEmpty()) {
            throw new CrflowException(ExitCodes.INVALID_INPUT, "no step journals (journal.jsonl) below " + searchRoot.toAbsolutePath()
                    + ". Run `crflow run` here first, pass --workdir of a run, or --root of a Nextflow/Snakemake crflow root.");
        }
        Path written;
        try {
            written = ReportWriter.write(target, new HtmlReportRenderer().render(run));
        } catch (IOException e) {
            throw new CrflowException(ExitCodes.ENVIRONMENT, "cannot write " + target.toAbsolutePath() + ": " + e.getMessage()
                    + ". Choose another place with --out.", e);
        }
        if (json) {
            spec.commandLine().getOut().println(toJson(run, written));
        } else {
            spec.commandLine().getOut().printf("%s%n", written);
            spec.commandLine().getErr().printf("crflow: report of %d step(s), %d attempt(s), %d checkpoint(s) written; open %s%n",
                    run.steps().size(), run.attempts(), run.checkpoints(), written.toUri());
        }
        return ExitCodes.OK;
    }

    /** workSaved, checkpointCost and lostWorkTotal, as crflow status writes them (docs/status.md). */
    private static void workFigures(ObjectMapper mapper, ObjectNode n, dev.crflow.coordinator.run.WorkAccount w) {
        n.set("workSaved", mapper.valueToTree(dev.crflow.cli.report.WorkFigures.workSaved(w)));
        n.set("checkpointCost", mapper.valueToTree(dev.crflow.cli.report.WorkFigures.checkpointCost(w)));
        n.set("lostWorkTotal", mapper.valueToTree(dev.crflow.cli.report.WorkFigures.lostWorkTotal(w)));
    }

    private static String toJson(RunReport run, Path written) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("report", written.toString());
        root.put("root", run.root().toString());
        root.put("generatedAt", run.generatedAt().toString());
        ArrayNode steps = root.putArray("steps");
        workFigures(mapper, root, run.totals().work());
        for (StepReport s : run.steps()) {
            ObjectNode n = steps.addObject();
            n.put("name", s.name());
            n.put("controlDir", s.source().controlDir().toString());
            n.put("state", s.state().name());
            n.put("attempts", s.attempts().size());
            n.put("restarts", s.restarts());
            n.put("retries", s.retries());
            n.put("checkpoints", s.checkpointsOk());
            n.put("checkpointsFailed", s.checkpointsFailed());
            n.put("computeSeconds", s.computeSeconds());
            n.put("queuedSeconds", s.queued().toMillis() / 1000.0);
            n.put("checkpointSeconds", s.checkpointSeconds());
            if (s.checkpointOverheadPercent().isPresent()) n.put("checkpointOverheadPercent", s.checkpointOverheadPercent().getAsDouble());
            else n.putNull("checkpointOverheadPercent");
            ArrayNode lost = n.putArray("lostWork");
            for (LostWork l : s.lostWork()) {
                ObjectNode entry = lost.addObject().put("attempt", l.attempt()).put("reason", l.reason().token())
                        .put("seconds", l.lost().toMillis() / 1000.0).put("sinceCheckpoint", l.sinceCheckpoint())
                        .put("atLeast", l.atLeast()).put("savedSeconds", l.saved().toMillis() / 1000.0);
                if (l.restoredFrom().isPresent()) entry.put("restoredFrom", l.restoredFrom().get()); else entry.putNull("restoredFrom");
                entry.put("stopCheckpoint", l.stopCheckpoint());
            }
            workFigures(mapper, n, s.work());
            n.put("bytesWritten", s.bytesWritten());
            n.put("bytesStored", s.bytesStored());
            n.put("generationsStored", s.storedGenerations().size());
            if (s.restartsLeft().isPresent()) n.put("restartsLeft", s.restartsLeft().getAsInt()); else n.putNull("restartsLeft");
            if (s.computeLeft().isPresent()) n.put("computeLeftSeconds", s.computeLeft().get().toSeconds()); else n.putNull("computeLeftSeconds");
            if (s.retriesLeft().isPresent()) n.put("retriesLeft", s.retriesLeft().getAsInt()); else n.putNull("retriesLeft");
            ArrayNode w = n.putArray("warnings");
            s.warnings().forEach(w::add);
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
