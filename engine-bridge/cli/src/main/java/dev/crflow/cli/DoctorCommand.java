package dev.crflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.crflow.cli.doctor.DoctorCheck;
import dev.crflow.cli.doctor.LoginChecks;
import dev.crflow.cli.doctor.Probe;
import dev.crflow.cli.doctor.ProbeScript;
import dev.crflow.cli.settings.SettingsFiles;
import dev.crflow.dsl.model.SiteSettings;
import dev.crflow.executor.process.Sleeper;
import dev.crflow.executor.process.SystemProcessRunner;
import dev.crflow.executor.slurm.CoordinatorLaunch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that this cluster can run crflow steps, before a long job finds out.",
                "At once, on this (login) node: the Slurm commands and version, the partition, the control root,",
                "the release's Java runtime. With --probe, one short job (about a minute: it waits for the real",
                "--signal=B:USR1@LEAD warning, then requeues itself once) proves on a compute node that the runtime",
                "starts, the control root is shared, the warning signal reaches the batch shell in time,",
                "'scontrol requeue' and the requeue-hold release are allowed, and each engine named with --engine",
                "checkpoints and restarts a tiny process (DMTCP; CRIU is only looked for). Every failed check says",
                "what to do."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every check passed",
                "2:invalid options",
                "3:at least one check failed (see its advice)"})
public final class DoctorCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--probe", description = "Also submit the probe job (waits for it, at most --timeout).")
    boolean probe;

    @Option(names = "--json", description = "{\"checks\": [{\"name\", \"ok\", \"detail\", \"advice\"}]} for machines.")
    boolean json;

    @Option(names = "--partition", paramLabel = "P", description = "Partition to check and probe (default: Slurm's default partition).")
    String partition;

    @Option(names = "--account", paramLabel = "A", description = "Account for the probe job.")
    String account;

    @Option(names = "--qos", paramLabel = "Q", description = "QOS for the probe job.")
    String qos;

    @Option(names = "--control-root", paramLabel = "DIR",
            description = "Where control directories live; must be shared with the compute nodes (default: the settings' controlRoot, else ./.crflow).")
    Path controlRoot;

    @Option(names = "--engine", paramLabel = "E", split = ",",
            description = "Engine(s) to exercise on the compute node: dmtcp, criu, signal (repeatable; none: skipped).")
    List<String> engines = new ArrayList<>();

    @Option(names = "--module", paramLabel = "M", description = "Environment module loaded in the probe job before the engine checks (repeatable).")
    List<String> modules = new ArrayList<>();

    @Option(names = "--lead", paramLabel = "D", converter = DurationConverter.class,
            description = "The warning lead to prove (--signal=B:USR1@LEAD; default: the settings' grace, else 50s). The probe's time limit is LEAD + 10 s in whole minutes.")
    Duration lead;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long to wait for the probe job, including its time in the queue (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--keep", description = "Keep the probe directory (under the control root) for a look.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        // Options win over the site/user settings, which win over built-in defaults.
        List<DoctorCheck> checks = new ArrayList<>();
        SiteSettings settings = SiteSettings.empty();
        try {
            settings = SettingsFiles.load();
            checks.add(DoctorCheck.pass("settings", settings.isEmpty() ? "no site or user settings file (" + SettingsFiles.SITE_DEFAULT
                    + ", ~/.config/crflow/settings.groovy)" : "read " + String.join(", ", SettingsFiles.locate(System.getenv()).stream().map(Path::toString).toList())));
        } catch (CrflowException e) {
            checks.add(DoctorCheck.fail("settings", e.getMessage(), "fix the settings file at the lines named (docs/settings.md)"));
        }
        List<String> engineNames = new ArrayList<>(engines);
        if (engineNames.isEmpty()) settings.engine().ifPresent(e -> engineNames.add(e.dslName()));
        List<ProbeScript.Engine> probeEngines = parseEngines(engineNames);
        Duration leadAsked = lead != null ? lead : settings.grace().orElse(Duration.ofSeconds(50));
        if (leadAsked.isZero() || leadAsked.isNegative()) throw new CrflowException(ExitCodes.INVALID_INPUT, "--lead must be positive");
        Path root = (controlRoot != null ? controlRoot : SettingsFiles.controlRoot(settings, System.getenv()).orElse(Path.of(".crflow")))
                .toAbsolutePath().normalize();
        String part = partition != null ? partition : settings.partition().orElse(null);
        String acct = account != null ? account : settings.account().orElse(null);
        String q = qos != null ? qos : settings.qos().orElse(null);
        List<String> mods = modules.isEmpty() ? settings.modules() : modules;
        CoordinatorLaunch launch = CoordinatorLaunch.fromEnvironment();
        SystemProcessRunner runner = new SystemProcessRunner();
        checks.addAll(new LoginChecks(runner, System.getenv("PATH")).all(Optional.ofNullable(part), root, launch));
        boolean slurmUsable = checks.stream().filter(c -> c.name().equals("slurm-commands")).allMatch(DoctorCheck::ok);
        if (probe && slurmUsable) {
            ProbeScript.Request req = new ProbeScript.Request(Optional.ofNullable(part), Optional.ofNullable(acct),
                    Optional.ofNullable(q), leadAsked, probeEngines, mods);
            checks.addAll(new Probe(runner, Clock.systemUTC(), Sleeper.SYSTEM).run(req, root, launch, timeout, keep));
        } else if (probe) {
            checks.add(DoctorCheck.fail("probe-job", "not submitted: the Slurm commands are missing", "see slurm-commands"));
        }
        print(checks);
        return checks.stream().allMatch(DoctorCheck::ok) ? ExitCodes.OK : ExitCodes.ENVIRONMENT;
    }

    static List<ProbeScript.Engine> parseEngines(List<String> names) {
        List<ProbeScript.Engine> out = new ArrayList<>();
        for (String n : names) {
            String e = n.strip().toLowerCase(Locale.ROOT);
            if (e.equals("none") || e.isEmpty()) continue;
            ProbeScript.Engine engine = switch (e) {
                case "dmtcp" -> ProbeScript.Engine.DMTCP;
                case "criu" -> ProbeScript.Engine.CRIU;
                case "signal" -> ProbeScript.Engine.SIGNAL;
                default -> throw new CrflowException(ExitCodes.INVALID_INPUT, "unknown engine '" + n + "'; use dmtcp, criu, signal or none");
            };
            if (!out.contains(engine)) out.add(engine);
        }
        return out;
    }

    private void print(List<DoctorCheck> checks) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (DoctorCheck c : checks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.name());
                m.put("ok", c.ok());
                m.put("detail", c.detail());
                m.put("advice", c.advice());
                list.add(m);
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("checks", list)));
        } else {
            out.print(table(checks));
        }
        out.flush();
    }

    /** One line per check; a failed check's advice on the next line. */
    static String table(List<DoctorCheck> checks) {
        int w = Math.max(5, checks.stream().mapToInt(c -> c.name().length()).max().orElse(5));
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-" + w + "s  %-4s  %s%n", "CHECK", "", "DETAIL"));
        for (DoctorCheck c : checks) {
            b.append(String.format("%-" + w + "s  %-4s  %s%n", c.name(), c.ok() ? "ok" : "FAIL", c.detail()));
            if (!c.ok() && !c.advice().isEmpty()) b.append(String.format("%-" + w + "s        -> %s%n", "", c.advice()));
        }
        long failed = checks.stream().filter(c -> !c.ok()).count();
        b.append(failed == 0 ? "all " + checks.size() + " checks passed" : failed + " of " + checks.size() + " checks failed").append('\n');
        return b.toString();
    }
}
