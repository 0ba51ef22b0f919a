package dev.crflow.snakemake;

import dev.crflow.dsl.DslException;
import dev.crflow.dsl.WorkflowLoader;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.dsl.settings.SettingsApplication;
import dev.crflow.dsl.settings.SettingsException;
import dev.crflow.dsl.settings.SettingsFiles;
import dev.crflow.dsl.model.PolicyRule;
import dev.crflow.dsl.model.Step;
import dev.crflow.executor.ExecutorException;
import dev.crflow.coordinator.control.Outcome;
import dev.crflow.executor.JobHandle;
import dev.crflow.executor.JobObservation;
import dev.crflow.executor.lifecycle.LifecycleAction;
import dev.crflow.executor.lifecycle.StepLifecycle;
import dev.crflow.executor.StepLaunch;
import dev.crflow.executor.control.JobRecord;
import dev.crflow.executor.control.StepControlDir;
import dev.crflow.executor.slurm.JobPhase;
import dev.crflow.executor.slurm.QueueEntry;
import dev.crflow.executor.slurm.QueueQuery;
import dev.crflow.executor.slurm.QueueSnapshot;
import dev.crflow.executor.slurm.SlurmClient;
import dev.crflow.executor.slurm.SlurmStepExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.Callable;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit one Snakemake jobscript as a checkpointable crflow step (Snakemake's --cluster command).",
                "Prints ONLY the Slurm job id on stdout; everything else goes to stderr.",
                "The policy file's match('glob') rules apply by rule (or group) name; the rule's resources override them."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                BridgeExit.OK + ":submitted (or already running: its id is printed)",
                BridgeExit.INVALID_INPUT + ":invalid jobscript, policy or resources",
                BridgeExit.ENVIRONMENT + ":Slurm problem (sbatch failed, squeue did not answer)"})
public final class SubmitCommand implements Callable<Integer> {
    /** States in which an earlier job of the same key is still doing the work: reattach instead of submitting. */
    private static final EnumSet<JobPhase> ALIVE = EnumSet.of(JobPhase.QUEUED, JobPhase.RUNNING, JobPhase.REQUEUED,
            JobPhase.SUSPENDED, JobPhase.UNKNOWN);

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOBSCRIPT", description = "the jobscript Snakemake wrote")
    Path jobscriptFile;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "crflow policy file (policy { match('glob') { checkpoint {…} } }); default: $CRFLOW_POLICY")
    Path policy;

    @Option(names = "--root", paramLabel = "DIR",
            description = "where the bridge keeps control directories; default: $CRFLOW_SNAKEMAKE_ROOT, the settings' controlRoot, or <snakemake dir>/.crflow/snakemake")
    Path root;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Jobscript js = Jobscript.read(jobscriptFile);
            JobProperties job = js.properties();
            Path workdir = js.workdir().map(Path::of).orElse(Path.of("").toAbsolutePath()).toAbsolutePath().normalize();
            Optional<Path> policyFile = policyFile();
            // site and user settings (docs/settings.md), under the policy file and the rule's resources
            SiteSettings settings = SettingsFiles.load();
            List<PolicyRule> rules = policyFile.isPresent() ? WorkflowLoader.loadPolicy(policyFile.get(), settings).policy() : List.of();
            Optional<PolicyRule> rule = RuleSettings.policyFor(rules, job);
            BridgeRoot bridge = bridgeRoot(root, workdir, () -> settings, System.getenv());
            String key = BridgeRoot.key(job);
            StepControlDir ctl = bridge.control(key);
            SlurmClient slurm = Slurm.client();

            Optional<JobRecord> previous = ctl.readJob();
            Optional<OutputNet.JobFacts> facts = OutputNet.readFacts(ctl.path());
            if (ctl.readResult().map(r -> r.outcome() == dev.crflow.coordinator.control.Outcome.CANCELLED).orElse(false)) {
                // a scancel (cluster-cancel) ends the job, not the work: set the verdict aside so the new job resumes
                java.nio.file.Files.move(ctl.result(), ctl.result().resolveSibling("result.json.cancelled"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (previous.isPresent() && ctl.readResult().isEmpty()) {
                Optional<String> alive = stillQueued(slurm, previous.get());
                if (alive.isPresent()) {
                    // A restarted Snakemake: it has just deleted the job's existing outputs; give them back.
                    List<String> restored = facts.map(OutputNet::restore).orElse(List.of());
                    bridge.index(alive.get(), key);
                    err.println("crflow: " + describe(job) + " is already running as job " + alive.get()
                            + " (" + ctl.path() + "): reattached, not submitted again"
                            + (restored.isEmpty() ? "" : "; outputs kept: " + String.join(", ", restored)));
                    out.println(alive.get());
                    out.flush();
                    return BridgeExit.OK;
                }
            }
            if (previous.isPresent() && ctl.readResult().map(r -> r.outcome() == Outcome.COMPLETED && r.exitCode() == 0).orElse(false)
                    && !Files.exists(ctl.path().resolve(StatusCommand.REPORTED))) {
                // It finished while no Snakemake was watching: report that job instead of computing it again.
                List<String> restored = facts.map(OutputNet::restore).orElse(List.of());
                bridge.index(previous.get().jobId(), key);
                err.println("crflow: " + describe(job) + " already completed as job " + previous.get().jobId()
                        + " while Snakemake was away: reporting it, not running it again"
                        + (restored.isEmpty() ? "" : "; outputs kept: " + String.join(", ", restored)));
                out.println(previous.get().jobId());
                out.flush();
                return BridgeExit.OK;
            }
            if (ctl.readResult().isPresent()) {
                facts.ifPresent(OutputNet::release);
                Path old = bridge.retire(key);
                err.println("crflow: " + describe(job) + " ran to its end before (kept in " + old + "); starting afresh");
                previous = Optional.empty();
            } else if (previous.isPresent()) {
                err.println("crflow: " + describe(job) + " was submitted before as job " + previous.get().jobId()
                        + ", which is gone without a result: the new job resumes from its newest checkpoint, if any");
                // Snakemake decides whether to submit again (--restart-times); the loss is journalled like every front end's
                journalLoss(slurm, ctl, previous.get());
            }
            ctl.create();
            JobKit.write(ctl.path(), js);
            Step step = RuleSettings.resolve(job, rule, key, workdir, cp -> JobKit.command(ctl.path(), js, cp), policyFile, settings);
            if (job.isGroup() && step.checkpoint().engine() == dev.crflow.dsl.model.Engine.SIGNAL) {
                err.println("crflow: warning: group job '" + job.name() + "' with engine 'signal': a restart re-runs the"
                        + " whole group (only single rules replay their command); use a transparent engine (dmtcp) for groups");
            }
            boolean netted = !job.isGroup() && step.checkpoint().engine() == dev.crflow.dsl.model.Engine.SIGNAL;
            OutputNet.writeFacts(ctl.path(), new OutputNet.JobFacts(key, workdir.toString(), netted ? job.output() : List.of(),
                    bridge.path().resolve("nets").resolve(key).toString(), netted));
            List<String> known = previous.isPresent() ? StepLifecycle.knownJobIds(ctl) : List.of();
            int attempt = previous.isPresent() ? StepLifecycle.nextAttempt(ctl) : 1;
            SlurmStepExecutor executor = Slurm.executor(slurm);
            JobHandle handle = executor.submit(new StepLaunch(step, ctl, jobName(key), attempt, List.of(),
                    Optional.empty(), known));
            bridge.index(handle.jobId(), key);
            err.println("crflow: " + describe(job) + " submitted as job " + handle.jobId() + " (engine "
                    + step.checkpoint().engine().dslName() + rule.map(r -> ", policy match('" + r.glob() + "')").orElse("")
                    + "; control dir " + ctl.path() + ")");
            out.println(handle.jobId());
            out.flush();
            return BridgeExit.OK;
        } catch (JobscriptException e) {
            err.println("crflow: " + jobscriptFile + ": " + e.getMessage());
            return BridgeExit.INVALID_INPUT;
        } catch (DslException e) {
            err.println("crflow: the policy file is invalid:\n" + e.getMessage());
            return BridgeExit.INVALID_INPUT;
        } catch (SettingsException e) {
            err.println("crflow: " + e.getMessage());
            return BridgeExit.INVALID_INPUT;
        } catch (ExecutorException e) {
            err.println("crflow: " + e.getMessage());
            return e.environment() ? BridgeExit.ENVIRONMENT : BridgeExit.FAILED;
        } catch (IOException e) {
            err.println("crflow: " + e.getMessage());
            return BridgeExit.ENVIRONMENT;
        }
    }

    private Optional<Path> policyFile() {
        Path p = policy;
        if (p == null) {
            String env = System.getenv("CRFLOW_POLICY");
            if (env != null && !env.isBlank()) p = Path.of(env);
        }
        if (p == null) return Optional.empty();
        if (!Files.isRegularFile(p)) throw new JobscriptException("policy file " + p + " does not exist (from --policy or CRFLOW_POLICY)");
        return Optional.of(p.toAbsolutePath().normalize());
    }

    /** The root submit, status, cancel and the sidecar agree on (settings read only when nothing names the root). */
    static BridgeRoot bridgeRoot(Path option, Path snakemakeWorkdir) {
        return bridgeRoot(option, snakemakeWorkdir, SubmitCommand::settingsOrNone, System.getenv());
    }

    /** For status, cancel and the sidecar: a broken settings file stopped every submission already; not again here. */
    private static SiteSettings settingsOrNone() {
        try {
            return SettingsFiles.load();
        } catch (SettingsException e) {
            return SiteSettings.empty();
        }
    }

    /**
     * {@code --root}; else {@code $CRFLOW_SNAKEMAKE_ROOT}; else the settings' controlRoot
     * ({@code <controlRoot>/snakemake/<workdir name>-<hash>}, one per Snakemake working directory); else
     * {@code <snakemake dir>/.crflow/snakemake}.
     */
    static BridgeRoot bridgeRoot(Path option, Path snakemakeWorkdir, Supplier<SiteSettings> settings, Map<String, String> env) {
        if (option != null) return new BridgeRoot(option);
        String named = env.get("CRFLOW_SNAKEMAKE_ROOT");
        if (named != null && !named.isBlank()) return new BridgeRoot(Path.of(named));
        return SettingsApplication.controlRoot(settings.get(), env, "snakemake", snakemakeWorkdir).map(BridgeRoot::new)
                .orElseGet(() -> BridgeRoot.under(snakemakeWorkdir));
    }

    /** The earlier job, if squeue still lists it alive; fails rather than risk a second submission. */
    private static Optional<String> stillQueued(SlurmClient slurm, JobRecord previous) throws ExecutorException {
        QueueSnapshot snap = slurm.queue(QueueQuery.byNames(List.of(previous.jobName())));
        if (!snap.known()) {
            throw new ExecutorException("cannot tell whether job " + previous.jobId() + " of this rule still runs ("
                    + snap.problem() + "); not submitting twice. Check that squeue answers, then run Snakemake again.", true);
        }
        return snap.job(previous.jobId()).filter(e -> ALIVE.contains(e.phase())).map(QueueEntry::jobId);
    }

    /** The earlier job ended without its coordinator's result: an {@code attempt-lost} in the journal, once. */
    private static void journalLoss(SlurmClient slurm, StepControlDir ctl, JobRecord previous) throws ExecutorException {
        StepLifecycle life = new StepLifecycle(Slurm.executor(slurm), ctl, Clock.systemUTC(), Duration.ZERO);
        JobHandle gone = new JobHandle(previous.jobId(), previous.jobName(), previous.attempt(), previous.jobName());
        StepLifecycle.Decision d = life.observe(gone, JobObservation.lost("vanished",
                "job " + previous.jobId() + " is gone without a result", previous.nodes()), Integer.MAX_VALUE);
        life.perform(d.actions().stream().filter(a -> a instanceof LifecycleAction.JournalAttemptLost).toList(), resubmit -> { });
    }

    /** Slurm job name: stable per Snakemake job, so a restarted Snakemake's submission is recognised. */
    static String jobName(String key) { return "smk." + key; }

    private static String describe(JobProperties job) {
        return (job.isGroup() ? "group " : "rule ") + job.name()
                + (job.wildcards().isEmpty() ? "" : " " + job.wildcards());
    }
}
