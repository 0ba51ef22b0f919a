package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.ProcTable;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import dev.crflow.coordinator.proc.RestoredChild;
import dev.crflow.coordinator.proc.Signals;
import dev.crflow.coordinator.store.Generation;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Transparent dump/restore of the application's process tree with CRIU (root only). Refuses clearly when
 * {@code criu check} fails: Debian 12's CRIU 3.17 fails on kernels ≥ 6.13 ("vdso: Unexpected rt vDSO area
 * bounds"); CRIU ≥ 4.1 fixes it. The dump goes straight into the generation being written (no copy).
 *
 * <p>Restore is {@code --restore-detached --restore-sibling}, run from the coordinator's main thread (as the
 * launch is): the restored root becomes the coordinator's own child again, so it is waited for with
 * waitpid(2) (exit status included), and its {@code PR_SET_PDEATHSIG} (armed by the launch wrapper, restored
 * by CRIU) fires when the coordinator dies, exactly as before the dump. Without {@code --restore-sibling} the
 * root's parent is {@code criu} itself, which exits right after the restore: the death signal then kills the
 * restored application at once (seen: "Root task has pdeath_sig configured, so it will receive one _right_
 * after restore on CRIU exit").
 *
 * <p>CRIU restores the exact pids, process group and session ids. A generation records the pids it holds;
 * before a restore the coordinator waits (bounded) until those numbers are free here — killed processes of
 * the previous attempt keep them until their zombies are reaped — and refuses in one line naming the pid and
 * its holder when they stay taken. Never a restore under other pids.
 */
public final class CriuEngine implements CheckpointEngine {
    /** The criu binary to use instead of the one on PATH (the wrapper scripts/install-deps writes, or a site's). */
    public static final String ENV_CRIU = "CRFLOW_CRIU";
    static final Duration PIDS_FREE_WAIT = Duration.ofSeconds(30);

    private static final Pattern VERSION = Pattern.compile("Version:\\s*(\\S+)");
    private final ProcessLauncher launcher;
    private final String criu;
    private final boolean unprivileged;
    private final StateFiles state;
    private final boolean incremental;
    private String version = "unknown";
    /** The dump the next checkpoint is written against (the last one committed, or the generation restored). */
    private Optional<Base> base = Optional.empty();
    /** The chain depth of the dump written last, for {@link #committed}. */
    private int depthOfLastDump;

    /** A committed dump an incremental checkpoint reads through: its generation, its CRIU directory and chain depth. */
    private record Base(int generation, Path dir, int depth) {}

    /**
     * After this many incremental generations in a row the next dump is full again: a chain only ever grows with the
     * run, and {@code keep} cannot prune a parent a kept generation reads through, so an unbounded chain would keep
     * every generation of the attempt. Eight bounds that at one full dump plus eight deltas per chain.
     */
    static final int MAX_CHAIN = 8;

    public CriuEngine(ProcessLauncher launcher, String criu) {
        this(launcher, criu, List.of());
    }

    /** @param state the step's {@code state} entries: snapshotted into every generation while CRIU holds the tree frozen (see {@link StateFiles}) */
    public CriuEngine(ProcessLauncher launcher, String criu, List<String> state) {
        this(launcher, criu, !"root".equals(System.getProperty("user.name")), state);
    }

    /** @param unprivileged not root: CRIU's {@code --unprivileged} mode (needs CAP_CHECKPOINT_RESTORE + CAP_SYS_PTRACE) */
    public CriuEngine(ProcessLauncher launcher, String criu, boolean unprivileged) {
        this(launcher, criu, unprivileged, List.of());
    }

    public CriuEngine(ProcessLauncher launcher, String criu, boolean unprivileged, List<String> state) {
        this(launcher, criu, unprivileged, state, true);
    }

    /** @param incremental the policy's {@code incremental}: checkpoints write only what changed since the previous one */
    public CriuEngine(ProcessLauncher launcher, String criu, boolean unprivileged, List<String> state, boolean incremental) {
        this.incremental = incremental;
        this.launcher = launcher;
        this.criu = criu;
        this.unprivileged = unprivileged;
        this.state = new StateFiles(state);
    }

    /** {@code criu ACTION [--unprivileged]}. */
    private List<String> criu(String action) {
        List<String> cmd = new ArrayList<>(List.of(criu, action));
        if (unprivileged) cmd.add("--unprivileged");
        return cmd;
    }

    /** {@code $CRFLOW_CRIU} when set, else {@code criu} from PATH. */
    public static String locate(Map<String, String> environment) {
        String v = environment.get(ENV_CRIU);
        return v == null || v.isBlank() ? "criu" : v;
    }

    @Override public String name() { return "criu"; }
    @Override public String version() { return version; }
    @Override public boolean canCheckpoint() { return true; }

    @Override
    public void check() throws EngineException {
        state.validate(name());
        try {
            CommandResult v = launcher.run(List.of(criu, "--version"), Map.of(), Duration.ofSeconds(10));
            Matcher m = VERSION.matcher(v.output());
            if (m.find()) version = m.group(1);
            CommandResult r = launcher.run(criu("check"), Map.of(), Duration.ofSeconds(60));
            if (!r.ok()) {
                throw new EngineException("engine 'criu': `" + criu + " check` fails with CRIU " + version + " on this kernel: "
                        + r.output().lines().reduce((a, b) -> b).orElse("") + ". CRIU >= 4.1 is needed on kernels >= 6.13"
                        + " (Debian 12's 3.17 fails with 'Unexpected rt vDSO area bounds'); CRIU also needs root (or, with --unprivileged,"
                        + " CAP_CHECKPOINT_RESTORE and CAP_SYS_PTRACE)."
                        + " Install a newer CRIU (scripts/install-deps), point " + ENV_CRIU + " at it, or choose engine 'dmtcp' or 'signal'");
            }
        } catch (IOException e) {
            throw new EngineException("engine 'criu': " + criu + " not found (" + e.getMessage() + "); put CRIU >= 4.1 on PATH"
                    + " or set " + ENV_CRIU, e);
        }
    }

    @Override
    public AppProcess launch(EngineContext ctx) throws EngineException {
        state.baselineForLaunch(ctx);
        return NoneEngine.start(ctx);
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        Path pidFile = ctx.ctl().root().resolve("criu-restored.pid");
        Path log = ctx.ctl().root().resolve("criu-restore.log");
        List<Integer> pids = recordedPids(manifest);
        awaitPidsFree(pids, manifest.generation());
        checkParentLink(generation, manifest);
        try {
            // the files as they were at this generation, before the tree that wrote them comes back
            StateFiles.restore(generation, ctx.workdir(), manifest.engineData());
            Files.deleteIfExists(pidFile);
            long t0 = System.nanoTime();
            // CRIU also writes its restore statistics (stats-restore) into -D; they are outside the manifest
            List<String> cmd = criu("restore");
            cmd.addAll(List.of("-D", generation.resolve("criu").toString(), "--restore-detached", "--restore-sibling",
                    "--pidfile", pidFile.toString(), "-o", log.toString(), "--tcp-established", "--file-locks"));
            CommandResult r = launcher.run(cmd, Map.of(), Duration.ofMinutes(30));
            if (!r.ok()) {
                // a failed --restore-sibling leaves the tasks it had forked as our zombies, holding the pids
                pids.forEach(RestoredChild::reapIfExited);
                throw new EngineException("criu restore of generation " + manifest.generation() + " failed (" + r.exitCode() + "): "
                        + lastErrors(log, r.output()) + " (log: " + log + ")");
            }
            int pid = Integer.parseInt(Files.readString(pidFile).trim());
            ctx.log().accept("criu restore of generation " + manifest.generation() + ": " + (System.nanoTime() - t0) / 1_000_000
                    + " ms, pid " + pid);
            if (!pids.isEmpty() && pid != pids.get(0)) {
                RestoredChild wrong = new RestoredChild(pid);
                wrong.signalGroup(Signals.number("KILL"));
                wrong.waitFor(Duration.ofSeconds(5));
                throw new EngineException("criu restored generation " + manifest.generation() + " as pid " + pid + ", not "
                        + pids.get(0) + " as dumped; refusing to run it");
            }
            base = Optional.of(new Base(manifest.generation(), generation.resolve("criu"), chainDepth(manifest)));
            return new RestoredChild(pid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("criu restore: interrupted", e);
        } catch (IOException | NumberFormatException e) {
            throw new EngineException("criu restore: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> checkpoint(EngineContext ctx, AppProcess app, ImageStore.Pending target, boolean stop,
                                          Deadline deadline) throws EngineException {
        Path dir = target.dir().resolve("criu");
        // the tree's pids, root first: what a restore will need free (the launch wrapper made the root a session leader)
        List<Integer> pids = ProcTable.session(app.pgid());
        try {
            Files.createDirectories(dir);
            // pdeathsig: a coordinator killed mid-dump takes criu with it (its partial generation is never committed)
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
            cmd.addAll(criu("dump"));
            cmd.addAll(List.of("-t", Integer.toString(app.pgid()), "-D", dir.toString(), "-o", "dump.log",
                    "--tcp-established", "--file-locks"));
            if (!stop) cmd.add("--leave-running");
            Map<String, String> env = state.isEmpty() ? Map.of() : state.prepareFrozenCopy(ctx.ctl().root(), ctx.workdir(), target.dir(), cmd);
            Duration d = deadline.remaining();
            CommandResult r = launcher.run(cmd, env, d.isZero() ? Duration.ofSeconds(1) : d);
            if (!r.ok()) {
                throw new EngineException("criu dump failed (" + (r.timedOut() ? "timed out" : "exit " + r.exitCode()) + "): "
                        + lastErrors(dir.resolve("dump.log"), r.output()) + " (log: " + dir.resolve("dump.log") + ")");
            }
        } catch (IOException e) {
            throw new EngineException("criu dump: " + e.getMessage(), e);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dir", "criu");
        data.put("pid", app.pgid());
        data.put("pids", pids);
        if (incremental) incremental(ctx, target, dir, data);
        if (!state.isEmpty()) {
            try {
                data.putAll(state.record(target.dir(), ctx.workdir()));
            } catch (IOException e) {
                throw new EngineException("criu dump: cannot list the saved state files: " + e.getMessage(), e);
            }
        }
        return data;
    }

    /**
     * Makes the dump just written in {@code dir} an incremental one against {@link #base} (see {@link CriuPageDelta});
     * the first dump of an attempt that restored nothing, a base whose chain is {@link #MAX_CHAIN} long, or a rewrite
     * that fails leaves it full. Either way the generation is marked as part of a chain (it may become a parent).
     */
    private void incremental(EngineContext ctx, ImageStore.Pending target, Path dir, Map<String, Object> data) {
        Optional<Base> against = base.filter(b -> b.depth() < MAX_CHAIN && Files.isDirectory(b.dir()));
        depthOfLastDump = 0;
        Optional<Integer> parent = Optional.empty();
        if (against.isPresent()) {
            Base b = against.get();
            String link = "../../" + b.dir().getParent().getFileName() + "/criu"; // relative: survives .partial-* -> gen-N
            try {
                long t0 = System.nanoTime();
                CriuPageDelta.Result r = CriuPageDelta.rewrite(dir, b.dir(), link);
                parent = Optional.of(b.generation());
                depthOfLastDump = b.depth() + 1;
                data.put("parentImages", link);
                data.put("pagesWritten", r.pagesWritten());
                data.put("pagesFromParent", r.pagesFromParent());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                data.put("deltaMs", ms);
                ctx.log().accept("criu: incremental against generation " + b.generation() + ": " + r.pagesWritten() + " pages written, "
                        + r.pagesFromParent() + " read through the parent (" + ms + " ms)");
            } catch (IOException | RuntimeException e) {
                ctx.log().accept("criu: incremental against generation " + b.generation() + " not possible (" + e.getMessage()
                        + "); this generation is a full dump");
            }
        }
        data.put("chainDepth", depthOfLastDump);
        target.chain(parent);
    }

    @Override
    public void committed(Generation g) {
        base = Optional.of(new Base(g.number(), g.path().resolve("criu"), depthOfLastDump));
    }

    /**
     * An incremental generation's {@code criu/parent} link must lead to the CRIU images of the parent its manifest names
     * (the store verified that parent): CRIU follows the link, not the manifest.
     */
    static void checkParentLink(Path generation, Manifest manifest) throws EngineException {
        if (manifest.parent().isEmpty()) return;
        Path link = generation.resolve("criu").resolve(CriuPageDelta.PARENT_LINK);
        Path expected = generation.resolveSibling(String.format("gen-%06d", manifest.parent().get())).resolve("criu");
        try {
            if (!Files.isSymbolicLink(link) || !link.toRealPath().equals(expected.toRealPath())) {
                throw new EngineException("criu cannot restore generation " + manifest.generation() + ": its images' parent link "
                        + link + " does not lead to generation " + manifest.parent().get());
            }
        } catch (IOException e) {
            throw new EngineException("criu cannot restore generation " + manifest.generation() + ": parent link " + link + ": " + e, e);
        }
    }

    /** How many parents a generation reads through (0: full, or written before incremental checkpoints). */
    static int chainDepth(Manifest m) {
        return m.parent().isPresent() && m.engineData().get("chainDepth") instanceof Number n ? n.intValue()
                : m.parent().isPresent() ? MAX_CHAIN : 0;
    }

    /** The pids a generation's tree holds (root first); older generations recorded only the root. */
    static List<Integer> recordedPids(Manifest manifest) {
        List<Integer> out = new ArrayList<>();
        if (manifest.engineData().get("pids") instanceof List<?> l) {
            for (Object o : l) if (o instanceof Number n) out.add(n.intValue());
        }
        if (out.isEmpty() && manifest.engineData().get("pid") instanceof Number n) out.add(n.intValue());
        return out;
    }

    private static void awaitPidsFree(List<Integer> pids, int generation) throws EngineException {
        Deadline d = Deadline.in(Clock.systemUTC(), PIDS_FREE_WAIT);
        Optional<ProcTable.Holder> taken = ProcTable.firstTaken(pids);
        while (taken.isPresent() && !d.expired()) {
            pids.forEach(RestoredChild::reapIfExited); // our own zombies (a failed restore's tasks) free them at once
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for pids to be free", e);
            }
            taken = ProcTable.firstTaken(pids);
        }
        if (taken.isPresent()) {
            ProcTable.Holder h = taken.get();
            throw new EngineException("criu cannot restore generation " + generation + " here: pid " + h.number()
                    + " of the checkpointed tree is in use on this host (" + h.describe() + ") after "
                    + PIDS_FREE_WAIT.toSeconds() + " s; CRIU restores exact pids");
        }
    }

    /**
     * CRIU's own error lines (the log's "Error (...)" lines, restored tasks' prefixed with their pid; the last three,
     * without the harmless RLIMIT_NOFILE one and the generic "Restoring FAILED"), else its output.
     */
    static String lastErrors(Path log, String output) {
        try {
            List<String> errors = Files.readAllLines(log).stream()
                    .filter(s -> s.contains("Error (") && !s.contains("RLIMIT_NOFILE") && !s.contains("Restoring FAILED"))
                    .map(String::strip).toList();
            if (!errors.isEmpty()) return String.join(" | ", errors.subList(Math.max(0, errors.size() - 3), errors.size()));
        } catch (IOException ignored) {
            // no log: the output says why
        }
        return output.isBlank() ? "(no output)" : output;
    }
}
