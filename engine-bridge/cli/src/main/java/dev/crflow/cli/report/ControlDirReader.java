package dev.crflow.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crflow.coordinator.journal.Journal;
import dev.crflow.coordinator.journal.JournalEvent;
import dev.crflow.coordinator.run.WorkAccount;
import dev.crflow.coordinator.store.DiskUsage;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;
import dev.crflow.cli.report.StepModel.Attempt;
import dev.crflow.cli.report.StepModel.Budgets;
import dev.crflow.cli.report.StepModel.Checkpoint;
import dev.crflow.cli.report.StepModel.Heartbeat;
import dev.crflow.cli.report.StepModel.Requeue;
import dev.crflow.cli.report.StepModel.Restore;
import dev.crflow.cli.report.StepModel.Result;
import dev.crflow.cli.report.StepModel.Sample;
import dev.crflow.cli.report.StepModel.Source;
import dev.crflow.cli.report.StepModel.StoredGeneration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Builds a {@link StepReport} from one step control directory (docs/contracts.md §2–3) using only its files:
 * no Slurm calls, so it works on a login node, after the fact, and for Nextflow/Snakemake roots alike.
 * Every file is optional; a torn journal tail is ignored.
 */
public final class ControlDirReader {
    /** A heartbeat older than this (the coordinator rewrites it every 5 s) means nobody is alive in the step. */
    static final Duration HEARTBEAT_STALE = Duration.ofSeconds(60);
    private static final ObjectMapper FIELDS = new ObjectMapper();

    private final Clock clock;

    public ControlDirReader(Clock clock) {
        this.clock = clock;
    }

    public StepReport read(Source source) {
        Path ctl = source.controlDir();
        List<String> warnings = new ArrayList<>();
        // The coordinator's own journal reader, in its tolerant form: torn tail dropped, other bad lines reported.
        List<JournalEvent> events = Journal.readTolerant(ctl, warnings::add);

        Map<Integer, AttemptBuilder> byNumber = new TreeMap<>();
        List<Checkpoint> checkpoints = new ArrayList<>();
        List<Restore> restores = new ArrayList<>();
        List<Requeue> requeues = new ArrayList<>();
        for (JournalEvent event : events) {
            // the typed accessors are strict (a number must be a number); the report reads odd fields leniently
            JsonNode e = FIELDS.valueToTree(event.raw());
            String type = event.event();
            Instant t = event.time();
            OptionalInt attemptField = integer(e, "attempt");
            int attempt = attemptField.orElse(-1);
            switch (type) {
                case "attempt-start" -> {
                    AttemptBuilder a = byNumber.computeIfAbsent(attempt, AttemptBuilder::new);
                    a.start = t;
                    a.jobId = text(e, "jobId").orElse(a.jobId);
                    a.host = text(e, "host").orElse(a.host);
                    a.fromGeneration = integer(e, "fromGeneration");
                    a.engine = text(e, "engine").orElse("");
                    a.engineVersion = text(e, "engineVersion").orElse("");
                    a.active(t);
                }
                case "attempt-end" -> {
                    AttemptBuilder a = byNumber.computeIfAbsent(attempt, AttemptBuilder::new);
                    a.end = t;
                    a.reason = EndReason.fromJournal(text(e, "reason").orElse(null));
                    a.exitCode = integer(e, "exitCode");
                    a.computeSeconds = number(e, "computeSeconds");
                    a.message = text(e, "message");
                    a.seen(t);
                }
                case "checkpoint" -> {
                    double ms = number(e, "durationMs").orElse(0);
                    checkpoints.add(new Checkpoint(attempt, integer(e, "generation"), text(e, "trigger").orElse("?"), t,
                            Duration.ofMillis(Math.max(0, Math.round(ms))),
                            number(e, "bytes").isPresent() ? OptionalLong.of(Math.round(number(e, "bytes").getAsDouble())) : OptionalLong.empty(),
                            bool(e, "ok", true), text(e, "error")));
                    if (attemptField.isPresent()) byNumber.computeIfAbsent(attempt, AttemptBuilder::new).active(t);
                }
                case "restore" -> {
                    restores.add(new Restore(attempt, t, integer(e, "generation"), bool(e, "ok", true),
                            integer(e, "fallbackFrom"), text(e, "message")));
                    if (attemptField.isPresent()) byNumber.computeIfAbsent(attempt, AttemptBuilder::new).active(t);
                }
                case "requeue" -> {
                    requeues.add(new Requeue(attempt, t, bool(e, "ok", true), text(e, "kind"), text(e, "message")));
                    if (attemptField.isPresent()) byNumber.computeIfAbsent(attempt, AttemptBuilder::new).active(t);
                }
                case "attempt-lost" -> {
                    // the driver's word (crflow run): the job is gone; when it noticed is not when the attempt ended
                    String why = "lost (" + text(e, "reason").orElse("?") + text(e, "node").filter(n -> !n.isBlank()).map(n -> " on " + n).orElse("")
                            + ")" + text(e, "message").map(m -> ": " + m).orElse("");
                    Optional<String> job = text(e, "jobId");
                    AttemptBuilder target = attemptField.isPresent() ? byNumber.get(attempt) : null;
                    if (target == null && job.isPresent()) {
                        for (AttemptBuilder b : byNumber.values()) if (job.get().equals(b.jobId) && b.start != null && !b.start.isAfter(t)) target = b;
                    }
                    if (target != null) target.driverNote = Optional.of(why);
                    else warnings.add("job " + job.orElse("?") + " " + why + " before its coordinator started");
                }
                default -> { /* events of later versions: not ours to judge */ }
            }
        }

        Optional<Heartbeat> heartbeat = readHeartbeat(ctl, warnings);
        Optional<Result> result = readResult(ctl, warnings);
        List<Sample> rawSamples = readSamples(ctl, warnings);
        Instant now = clock.instant();
        boolean alive = heartbeat.isPresent()
                && Duration.between(heartbeat.get().time(), now).compareTo(HEARTBEAT_STALE) < 0
                && result.isEmpty();

        List<AttemptBuilder> builders = new ArrayList<>(byNumber.values());
        builders.removeIf(b -> b.firstSeen == null);
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < builders.size(); i++) {
            AttemptBuilder b = builders.get(i);
            boolean lastAttempt = i == builders.size() - 1;
            Instant nextStart = lastAttempt ? null : builders.get(i + 1).startOrFirstSeen();
            attempts.add(b.build(lastAttempt && alive, nextStart, rawSamples, heartbeat, now));
        }
        List<Sample> samples = deriveCpu(rawSamples, attempts);
        checkpoints.sort(Comparator.comparing(Checkpoint::time));

        JsonNode driver = JsonLines.readObject(ctl.resolve("driver.json"), warnings::add);
        Optional<String> driverState = driver == null ? Optional.empty() : text(driver, "state");
        Optional<String> driverMessage = driver == null ? Optional.empty() : text(driver, "message").filter(m -> !m.isBlank());
        Optional<Result> outcome = result;
        if (result.isEmpty() && driverMessage.isPresent() && driverState.filter(d -> d.equals("FAILED") || d.equals("CANCELLED")).isPresent()) {
            outcome = Optional.of(new Result(driverState.get(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                    OptionalInt.empty(), driverMessage));
        }
        List<StoredGeneration> stored = readGenerations(ctl, warnings);
        return new StepReport(source, state(attempts, outcome, alive, driverState), attempts, checkpoints, restores, requeues,
                samples, readBudgets(ctl, warnings), outcome, stored, heartbeat,
                readSubmittedJobId(ctl, warnings), readSpecName(ctl), warnings, AutoIntervalFacts.of(events), workAccount(events, attempts, stored));
    }

    /**
     * The coordinator's account of the same events; for attempts that died without a word, the report's later signs
     * of life (samples, heartbeat) tell how far they got.
     */
    private static WorkAccount workAccount(List<JournalEvent> events, List<Attempt> attempts, List<StoredGeneration> stored) {
        Map<Integer, Instant> lastSeen = new java.util.HashMap<>();
        for (Attempt a : attempts) if (a.reason() == EndReason.LOST) lastSeen.put(a.number(), a.end());
        return WorkAccount.of(events, lastSeen).withBytesStored(stored.stream().mapToLong(StoredGeneration::bytes).sum());
    }

    private static StepState state(List<Attempt> attempts, Optional<Result> result, boolean alive, Optional<String> driverState) {
        if (result.isPresent()) {
            return switch (result.get().outcome().toUpperCase(java.util.Locale.ROOT)) {
                case "COMPLETED" -> StepState.COMPLETED;
                case "BUDGET_EXHAUSTED" -> StepState.BUDGET_EXHAUSTED;
                case "ENGINE_ERROR" -> StepState.ENGINE_ERROR;
                case "CANCELLED" -> StepState.CANCELLED;
                default -> StepState.FAILED;
            };
        }
        // crflow run's driver has the last word on what the coordinator could not write (cancelled, given up on a lost job)
        switch (driverState.orElse("")) {
            case "CANCELLED" -> { return StepState.CANCELLED; }
            case "FAILED" -> { return StepState.FAILED; }
            case "COMPLETED" -> { return StepState.COMPLETED; }
            default -> { }
        }
        if (attempts.isEmpty()) return StepState.NOT_STARTED;
        Attempt last = attempts.get(attempts.size() - 1);
        if (alive && !last.endRecorded()) return StepState.RUNNING;
        return switch (last.reason()) {
            case COMPLETED -> StepState.COMPLETED;
            case BUDGET_EXHAUSTED -> StepState.BUDGET_EXHAUSTED;
            case STOPPED -> StepState.STOPPED;
            case CANCELLED -> StepState.CANCELLED;
            // interrupted or failed with budget left, its end journalled: another attempt is due
            case PREEMPTED, WALLTIME, FAILED, ENGINE_ERROR -> last.endRecorded() ? StepState.WAITING : StepState.UNKNOWN;
            default -> StepState.UNKNOWN;
        };
    }

    /** CPU % between consecutive samples of the same attempt (cpuSeconds is cumulative per application tree). */
    private static List<Sample> deriveCpu(List<Sample> raw, List<Attempt> attempts) {
        List<Sample> out = new ArrayList<>(raw.size());
        Sample prev = null;
        int prevAttempt = Integer.MIN_VALUE;
        for (Sample s : raw) {
            int attempt = s.attempt().orElse(attemptAt(attempts, s.time()));
            OptionalDouble cpu = OptionalDouble.empty();
            if (prev != null && attempt == prevAttempt && s.cpuSeconds() >= prev.cpuSeconds()) {
                double dt = Duration.between(prev.time(), s.time()).toMillis() / 1000.0;
                if (dt > 0) cpu = OptionalDouble.of(100.0 * (s.cpuSeconds() - prev.cpuSeconds()) / dt);
            }
            out.add(new Sample(s.time(), s.rssBytes(), s.cpuSeconds(), s.processes(), s.attempt(), cpu));
            prev = s;
            prevAttempt = attempt;
        }
        return out;
    }

    /** The attempt number whose [start, end] holds t, or -1 (between attempts). */
    static int attemptAt(List<Attempt> attempts, Instant t) {
        for (Attempt a : attempts) {
            if (!t.isBefore(a.start()) && !t.isAfter(a.end())) return a.number();
        }
        return -1;
    }

    private static List<Sample> readSamples(Path ctl, List<String> warnings) {
        List<Sample> out = new ArrayList<>();
        int skipped = 0;
        for (JsonNode n : JsonLines.read(ctl.resolve("samples.jsonl"), warnings::add)) {
            Optional<Instant> t = instant(n, "time");
            if (t.isEmpty()) { skipped++; continue; }
            out.add(new Sample(t.get(), Math.round(number(n, "rssBytes").orElse(0)), number(n, "cpuSeconds").orElse(0),
                    integer(n, "processes").orElse(0), integer(n, "attempt"), OptionalDouble.empty()));
        }
        if (skipped > 0) warnings.add("samples.jsonl: " + skipped + " samples without a readable time; skipped");
        out.sort(Comparator.comparing(Sample::time));
        return out;
    }

    private static Optional<Heartbeat> readHeartbeat(Path ctl, List<String> warnings) {
        JsonNode n = JsonLines.readObject(ctl.resolve("heartbeat"), warnings::add);
        if (n == null) return Optional.empty();
        return instant(n, "time").map(t -> new Heartbeat(t, text(n, "host").orElse(""), text(n, "jobId").orElse(""),
                text(n, "phase").orElse(""), integer(n, "attempt")));
    }

    private static Optional<Result> readResult(Path ctl, List<String> warnings) {
        JsonNode n = JsonLines.readObject(ctl.resolve("result.json"), warnings::add);
        if (n == null) return Optional.empty();
        return Optional.of(new Result(text(n, "outcome").orElse("UNKNOWN"), integer(n, "exitCode"), integer(n, "attempts"),
                integer(n, "restarts"), integer(n, "retries"), text(n, "message")));
    }

    private static Optional<String> readSubmittedJobId(Path ctl, List<String> warnings) {
        JsonNode n = JsonLines.readObject(ctl.resolve("job.json"), warnings::add);
        return n == null ? Optional.empty() : text(n, "jobId");
    }

    private static Optional<String> readSpecName(Path ctl) {
        // The Nextflow bridge records the task it serves ("COUNT (1)"): the name users know from Nextflow's log.
        JsonNode identity = JsonLines.readObject(ctl.resolve("identity.json"), w -> {});
        if (identity != null) {
            Optional<String> task = text(identity, "firstTask").or(() -> text(identity, "process")).filter(n -> !n.isBlank());
            if (task.isPresent()) return task;
        }
        JsonNode spec = JsonLines.readObject(ctl.resolve("spec.json"), w -> {}); // unreadable: reported by readBudgets
        return spec == null ? Optional.empty() : text(spec, "name").filter(n -> !n.isBlank());
    }

    private static Budgets readBudgets(Path ctl, List<String> warnings) {
        JsonNode spec = JsonLines.readObject(ctl.resolve("spec.json"), warnings::add);
        if (spec == null) return Budgets.unknown();
        JsonNode cp = spec.path("checkpoint");
        return new Budgets(integer(cp, "maxRestarts"), duration(cp, "totalTime"), integer(spec, "retry"),
                text(cp, "engine"), duration(cp, "interval"));
    }

    /**
     * What is stored now, as the coordinator's {@link ImageStore} lists it: every generation directory that has a
     * manifest (no manifest = not a generation, contracts §2), with its bytes on disk. A manifest the coordinator
     * would not accept still counts here: it takes space.
     */
    private static List<StoredGeneration> readGenerations(Path ctl, List<String> warnings) {
        List<Generation> gens;
        try {
            gens = ImageStore.open(ctl).list();
        } catch (IOException | RuntimeException e) {
            warnings.add("images/: cannot list (" + e.getMessage() + ")");
            return List.of();
        }
        List<StoredGeneration> out = new ArrayList<>();
        for (Generation g : gens) {
            if (!Files.isRegularFile(g.path().resolve(Manifest.FILE_NAME))) continue;
            Optional<Instant> created = ImageStore.readManifest(g.path()).flatMap(m -> Optional.ofNullable(m.created()));
            out.add(new StoredGeneration(g.number(), DiskUsage.bytes(g.path()), created));
        }
        return out;
    }

    // ---- tolerant field access: absent, null or mistyped fields read as empty ----

    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) return Optional.empty();
        return Optional.of(v.asText());
    }

    static OptionalInt integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return OptionalInt.empty();
        if (v.isNumber()) return OptionalInt.of(v.intValue());
        if (v.isTextual()) {
            try {
                return OptionalInt.of(Integer.parseInt(v.asText().trim()));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }

    static OptionalDouble number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return OptionalDouble.empty();
        if (v.isNumber()) return OptionalDouble.of(v.doubleValue());
        if (v.isTextual()) {
            try {
                return OptionalDouble.of(Double.parseDouble(v.asText().trim()));
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    static boolean bool(JsonNode n, String field, boolean dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return dflt;
        if (v.isBoolean()) return v.booleanValue();
        return Boolean.parseBoolean(v.asText());
    }

    static Optional<Instant> instant(JsonNode n, String field) {
        return text(n, field).flatMap(dev.crflow.coordinator.journal.Journal::instant);
    }

    static Optional<Duration> duration(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return Optional.empty();
        if (v.isNumber()) return Optional.of(Duration.ofMillis(Math.round(v.doubleValue() * 1000))); // seconds
        try {
            return Optional.of(Duration.parse(v.asText().trim()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
