package dev.crflow.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.coordinator.control.ControlDir;
import dev.crflow.coordinator.control.Result;
import dev.crflow.coordinator.control.Status;
import dev.crflow.coordinator.engine.Engines;
import dev.crflow.coordinator.journal.Event;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.proc.SystemProcessLauncher;
import dev.crflow.coordinator.run.Coordinator;
import dev.crflow.coordinator.run.ExitCodes;
import dev.crflow.coordinator.run.History;
import dev.crflow.coordinator.slurm.Requeuer;
import dev.crflow.coordinator.slurm.HoldReleaser;
import dev.crflow.coordinator.slurm.JobEndingClassifier;
import dev.crflow.coordinator.slurm.SlurmControl;
import dev.crflow.coordinator.slurm.SlurmRequeuer;
import dev.crflow.coordinator.spec.SpecReader;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code crflow-coordinator}: the in-job agent and its manual-control commands. */
@Command(name = "crflow-coordinator", mixinStandardHelpOptions = true, version = "crflow-coordinator 0.1.0",
        description = "Runs one workflow step inside its job: launch or restart, checkpoint, commit, requeue.",
        subcommands = {Main.Run.class, Main.Checkpoint.class, Main.StatusCmd.class, Main.Images.class, Main.SelfTest.class},
        exitCodeListHeading = "%nExit codes (run):%n",
        exitCodeList = {ExitCodes.OK + ":the application completed (otherwise its own exit code on final failure)",
                ExitCodes.INVALID + ":invalid input", ExitCodes.ENVIRONMENT + ":environment (control dir unusable, already running)",
                ExitCodes.REQUEUED + ":requeued (local mode: relaunch me)", ExitCodes.STOPPED + ":checkpointed and stopped on request",
                ExitCodes.BUDGET_EXHAUSTED + ":budget exhausted (maxRestarts or totalTime)", ExitCodes.ENGINE_ERROR + ":engine error"})
public final class Main implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return ExitCodes.INVALID;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the step of a control directory (the batch script's last line: exec java -jar ... run --control DIR).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--control", required = true, description = "the step's control directory (holds spec.json)")
        Path control;
        @Option(names = "--local", description = "no Slurm: attempt/job id from CRFLOW_RESTART_COUNT/CRFLOW_JOB_ID; requeue = exit 75")
        boolean local;
        @Option(names = "--generation", description = "restart from exactly this generation (else the newest that verifies)")
        Integer generation;
        @Option(names = "--term-grace", defaultValue = "20s", description = "time allowed for a checkpoint after SIGTERM (Slurm KillWait is 30 s by default; default: ${DEFAULT-VALUE})")
        String termGrace;

        @Override
        public Integer call() {
            Map<String, String> env = System.getenv();
            String jobId = local ? env.getOrDefault("CRFLOW_JOB_ID", "local-" + ProcessHandle.current().pid())
                    : env.getOrDefault("SLURM_JOB_ID", "");
            int restartCount = parseInt(local ? env.get("CRFLOW_RESTART_COUNT") : env.get("SLURM_RESTART_COUNT"));
            SystemProcessLauncher launcher = new SystemProcessLauncher();
            Requeuer requeuer = local ? Requeuer.local()
                    : new SlurmRequeuer(SlurmControl.system(launcher), m -> System.err.println("crflow-coordinator: " + m), 10,
                            Duration.ofSeconds(1), HoldReleaser.detached(launcher));
            Coordinator c = new Coordinator(
                    new Coordinator.Config(control, local, jobId, restartCount, hostname(), parseDuration(termGrace),
                            Optional.ofNullable(generation)),
                    Clock.systemUTC(), launcher, requeuer, spec -> Engines.forSpec(spec, launcher, env), System.err,
                    local ? JobEndingClassifier.Endings.unknown()
                            : new JobEndingClassifier(JobEndingClassifier.JobQuery.scontrol(SlurmControl.system(launcher))).forJob(jobId, restartCount));
            for (String sig : List.of("USR1", "USR2", "TERM", "INT", "HUP", "ALRM")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> c.onSignal(s.getName()));
                } catch (IllegalArgumentException e) {
                    System.err.println("crflow-coordinator: cannot handle SIG" + sig + " in this JVM: " + e.getMessage());
                }
            }
            return c.run();
        }
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Ask the running coordinator for a checkpoint now (--stop: then end the job, resumable).")
    static final class Checkpoint implements Callable<Integer> {
        @Option(names = "--control", required = true) Path control;
        @Option(names = "--stop", description = "checkpoint, then stop (no requeue)") boolean stop;
        @Option(names = "--timeout", defaultValue = "300s", description = "how long to wait for the answer (default: ${DEFAULT-VALUE})")
        String timeout;

        @Override
        public Integer call() throws Exception {
            ControlDir ctl = ControlDir.of(control);
            Optional<Duration> age = ctl.heartbeatAge();
            if (age.isEmpty() || age.get().compareTo(Duration.ofSeconds(30)) > 0 || ctl.readResult().isPresent()) {
                System.err.println("no running coordinator on " + control + " (heartbeat "
                        + age.map(a -> a.toSeconds() + " s old").orElse("missing") + "); nothing to checkpoint");
                return ExitCodes.NOT_DONE;
            }
            String id = ctl.requestCheckpoint(stop);
            Instant end = Instant.now().plus(parseDuration(timeout));
            while (Instant.now().isBefore(end)) {
                for (JournalEvent e : Journal.read(control)) {
                    if (e.typed() instanceof Event.Checkpoint c && c.requestId().filter(id::equals).isPresent()) {
                        if (c.ok()) {
                            System.out.println("checkpoint committed: generation " + c.generation().orElse(-1) + " ("
                                    + c.bytes() + " bytes, " + c.durationMs() + " ms)" + (stop ? "; the job stops" : ""));
                            return ExitCodes.OK;
                        }
                        System.err.println("checkpoint failed: " + c.error().orElse("?"));
                        return ExitCodes.NOT_DONE;
                    }
                }
                Thread.sleep(200);
            }
            System.err.println("no answer within " + timeout + " (request " + id + " stays in " + ctl.requests() + ")");
            return ExitCodes.NOT_DONE;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The step's current phase, attempts and last checkpoint.")
    static final class StatusCmd implements Callable<Integer> {
        @Option(names = "--control", required = true) Path control;
        @Option(names = "--json", description = "machine-readable") boolean json;

        @Override
        public Integer call() throws Exception {
            ControlDir ctl = ControlDir.of(control);
            Optional<Status> status = ctl.readStatus();
            Optional<Result> result = ctl.readResult();
            Optional<Duration> age = ctl.heartbeatAge();
            List<JournalEvent> events = Journal.read(control);
            JournalEvent lastCkpt = null;
            for (JournalEvent e : events) {
                if (e.typed() instanceof Event.Checkpoint) lastCkpt = e;
            }
            int attempts = History.of(events).attempts();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("phase", status.map(s -> s.phase().name()).orElse("UNKNOWN"));
            m.put("attempt", status.map(Status::attempt).orElse(0));
            m.put("attempts", attempts);
            m.put("jobId", status.map(Status::jobId).orElse(null));
            m.put("host", status.map(Status::host).orElse(null));
            m.put("heartbeatAgeSeconds", age.map(Duration::toSeconds).orElse(null));
            m.put("generation", status.map(Status::generation).orElse(null));
            m.put("lastCheckpoint", lastCkpt == null ? null : lastCkpt.raw());
            m.put("result", result.orElse(null));
            if (json) {
                System.out.println(SpecReader.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
            } else {
                System.out.printf("phase %s, attempt %s (%d started), job %s on %s, heartbeat %s%n", m.get("phase"), m.get("attempt"),
                        attempts, m.get("jobId"), m.get("host"), age.map(a -> a.toSeconds() + " s ago").orElse("none"));
                System.out.println("last good generation: " + (m.get("generation") == null ? "none" : m.get("generation")));
                if (lastCkpt != null && lastCkpt.typed() instanceof Event.Checkpoint c) {
                    System.out.printf("last checkpoint: %s %s, %s%n", lastCkpt.trigger().orElse("?"), c.ok() ? "ok" : "FAILED",
                            c.ok() ? "generation " + c.generation().orElse(-1) + ", " + c.durationMs() + " ms" : c.error().orElse(""));
                }
                result.ifPresent(r -> System.out.printf("result: %s, exit %d (%s)%n", r.outcome(), r.exitCode(), r.message()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "images", mixinStandardHelpOptions = true, description = "The step's image generations.")
    static final class Images implements Callable<Integer> {
        @Option(names = "--control", required = true) Path control;
        @Option(names = "--json", description = "machine-readable: [{generation, path, valid, bytes, created}]") boolean json;
        @Option(names = "--verify", description = "also verify every checksum") boolean verify;

        @Override
        public Integer call() throws Exception {
            ImageStore store = ImageStore.open(control);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Generation g : store.list()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("generation", g.number());
                m.put("path", g.path().toString());
                boolean valid = g.valid();
                String problem = null;
                if (verify && valid) {
                    ImageStore.Verification v = store.verify(g);
                    valid = v.ok();
                    problem = v.ok() ? null : v.problem();
                }
                m.put("valid", valid);
                m.put("bytes", g.bytes());
                m.put("created", g.created().toString());
                if (problem != null) m.put("problem", problem);
                out.add(m);
            }
            ObjectMapper mapper = SpecReader.mapper();
            if (json) {
                System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            } else if (out.isEmpty()) {
                System.out.println("no generations in " + store.directory());
            } else {
                System.out.printf("%-10s %-6s %14s  %-24s %s%n", "GENERATION", "VALID", "BYTES", "CREATED", "PATH");
                for (Map<String, Object> m : out) {
                    System.out.printf("%-10s %-6s %14s  %-24s %s%s%n", m.get("generation"), m.get("valid"), m.get("bytes"),
                            m.get("created"), m.get("path"), m.containsKey("problem") ? "  (" + m.get("problem") + ")" : "");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "self-test", mixinStandardHelpOptions = true,
            description = {"Run a trivial step (engine none, `true`) in a temporary control directory: checks that setsid,"
                    + " setpriv and bash work here, and loads every class a real run needs, so that",
                    "  java -XX:ArchiveClassesAtExit=crflow-coordinator.jsa -jar crflow-coordinator.jar self-test",
                    "writes a class-data-sharing archive for -XX:SharedArchiveFile=crflow-coordinator.jsa (faster start)."})
    static final class SelfTest implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Path root = Files.createTempDirectory("crflow-self-test");
            try {
                Path ctl = root.resolve("ctl");
                Files.createDirectories(ctl);
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("name", "self-test");
                spec.put("command", Map.of("kind", "COMMAND", "text", "true"));
                spec.put("workdir", root.toString());
                spec.put("checkpoint", Map.of("engine", "NONE"));
                Files.writeString(ctl.resolve("spec.json"), SpecReader.mapper().writeValueAsString(spec));
                SystemProcessLauncher launcher = new SystemProcessLauncher();
                int rc = new Coordinator(new Coordinator.Config(ctl, true, "self-test", 0, hostname(), Duration.ofSeconds(20),
                        Optional.empty()), Clock.systemUTC(), launcher, Requeuer.local(),
                        spec1 -> Engines.forSpec(spec1, launcher, System.getenv()), System.err).run();
                ImageStore.open(ctl).list();
                Journal.read(ctl);
                System.out.println(rc == 0 ? "self-test ok" : "self-test FAILED (exit " + rc + ")");
                return rc == ExitCodes.OK ? ExitCodes.OK : ExitCodes.ENVIRONMENT;
            } finally {
                dev.crflow.coordinator.control.SafeFiles.deleteTree(root);
            }
        }
    }

    static int parseInt(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return ExitCodes.OK;
        }
    }

    /** "20s", "5m", "1h", "300" (seconds) or ISO-8601 "PT20S". */
    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase();
        if (t.startsWith("pt")) return Duration.parse(t.toUpperCase());
        char unit = t.charAt(t.length() - 1);
        if (Character.isDigit(unit)) return Duration.ofSeconds(Long.parseLong(t));
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("duration '" + s + "': use 20s, 5m, 1h");
        };
    }

    static String hostname() {
        try {
            String h = System.getenv("HOSTNAME");
            if (h != null && !h.isBlank()) return h;
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (Exception e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (Exception e2) {
                return "unknown";
            }
        }
    }
}
