package dev.crflow.coordinator.engine;

import dev.crflow.coordinator.control.SafeFiles;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.LaunchWrapper;
import dev.crflow.coordinator.proc.ProcessLauncher;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transparent checkpointing with DMTCP.
 *
 * <ul>
 *   <li>A private coordinator per attempt: {@code dmtcp_coordinator --daemon --exit-on-last -p 0 --port-file F}
 *   (never a fixed port: no stale or foreign coordinator is ever joined); the port is read from F.</li>
 *   <li>The application runs under {@code dmtcp_launch --ckptdir <images/.partial-dmtcp>}: DMTCP writes each
 *   checkpoint straight into the generation being written; the commit renames that directory to
 *   {@code gen-NNNNNN} (no copy) and the next checkpoint gets a fresh one under the same name.</li>
 *   <li>{@code dmtcp_command --bcheckpoint} blocks until every image is written; the image list found in the
 *   directory goes into the manifest, and restart passes exactly those files to {@code dmtcp_restart}
 *   (never a glob over a directory that may hold older images).</li>
 *   <li>Exit status 99 of dmtcp_launch/dmtcp_restart without the completion marker is DMTCP's own failure.</li>
 *   <li>Status is parsed by key ({@code RUNNING=}, {@code NUM_PEERS=}), never by word position.</li>
 *   <li>{@code state} files ({@link StateFiles}) are copied at a moment the application cannot write: DMTCP has no
 *   hook that runs while the tree is stopped (its plugin events need a compiled library), and after a
 *   {@code --bcheckpoint} the application runs on, so a copy taken then would be newer than the image. With
 *   {@code state}, every checkpoint is therefore a checkpoint-and-kill ({@code --kcheckpoint}); the files are copied
 *   once every process is gone; a periodic or manual checkpoint then restarts the application from the images it
 *   just wrote ({@code dmtcp_restart}, before the commit, from the same directory), so it continues as if only
 *   checkpointed. That costs one restart per periodic checkpoint (logged as {@code resumeMs}). When the copy fails
 *   the application is restarted all the same and the checkpoint fails; when the restart fails the application
 *   reports an engine failure and the coordinator restarts it from the newest generation.</li>
 * </ul>
 */
public final class DmtcpEngine implements CheckpointEngine {
    public static final String PARTIAL = ImageStore.PARTIAL_PREFIX + "dmtcp";
    public static final int DMTCP_FAIL_RC = 99;
    /** How long a checkpoint-and-kill is asked for again while DMTCP answers "not in running state". */
    static final Duration KILL_REQUEST_WAIT = Duration.ofSeconds(60);

    private final ProcessLauncher launcher;
    private final Optional<Path> bin;
    private final StateFiles state;
    private String version = "unknown";
    private int port = -1;
    private Path portFile;
    private Duration restoreTimeout = Duration.ofSeconds(120);

    public DmtcpEngine(ProcessLauncher launcher, Optional<Path> bin) {
        this(launcher, bin, List.of());
    }

    /** @param state the step's {@code state} entries, snapshotted after a checkpoint-and-kill (see the class comment) */
    public DmtcpEngine(ProcessLauncher launcher, Optional<Path> bin, List<String> state) {
        this.launcher = launcher;
        this.bin = bin;
        this.state = new StateFiles(state);
    }

    private String tool(String name) { return bin.orElseThrow().resolve(name).toString(); }

    @Override public String name() { return "dmtcp"; }
    @Override public String version() { return version; }
    @Override public boolean canCheckpoint() { return true; }
    @Override public Optional<String> partialDirectoryName() { return Optional.of(PARTIAL); }

    @Override
    public void check() throws EngineException {
        if (bin.isEmpty()) {
            throw new EngineException("engine 'dmtcp': DMTCP not found (looked for dmtcp_launch, dmtcp_coordinator, dmtcp_command"
                    + " and dmtcp_restart in $DMTCP_HOME/bin, on PATH and in /opt/dmtcp/bin). Load it (module load dmtcp),"
                    + " set DMTCP_HOME, or choose engine 'signal' or 'none'");
        }
        state.validate(name());
        version = detectVersion();
    }

    String detectVersion() {
        try {
            CommandResult r = launcher.run(List.of(tool("dmtcp_launch"), "--version"), Map.of(), Duration.ofSeconds(20));
            return DmtcpOutput.parseVersion(r.output()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private Path ckptDir(EngineContext ctx) { return ctx.ctl().images().resolve(PARTIAL); }

    /** Starts the private coordinator and learns its port. */
    private void startCoordinator(EngineContext ctx) throws EngineException {
        Path ckpt = ckptDir(ctx);
        try {
            SafeFiles.ensureDir(ckpt);
            portFile = ctx.ctl().root().resolve("dmtcp-coordinator.port");
            Files.deleteIfExists(portFile);
            CommandResult r = launcher.run(List.of(tool("dmtcp_coordinator"), "--daemon", "--exit-on-last", "-p", "0",
                    "--port-file", portFile.toString(), "--ckptdir", ckpt.toString()), Map.of(), Duration.ofSeconds(30));
            if (!r.ok()) throw new EngineException("dmtcp_coordinator failed (" + r.exitCode() + "): " + r.output());
            for (int i = 0; i < 200; i++) {
                if (Files.exists(portFile)) {
                    String s = Files.readString(portFile).trim();
                    if (!s.isEmpty()) {
                        port = Integer.parseInt(s);
                        ctx.log().accept("private DMTCP " + version + " coordinator on port " + port);
                        return;
                    }
                }
                Thread.sleep(25);
            }
            throw new EngineException("dmtcp_coordinator did not write its port to " + portFile + " within 5 s");
        } catch (IOException | NumberFormatException e) {
            throw new EngineException("cannot start dmtcp_coordinator: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while starting dmtcp_coordinator");
        }
    }

    private List<String> coordArgs() {
        return List.of("--coord-host", "127.0.0.1", "--coord-port", Integer.toString(port));
    }

    @Override
    public AppProcess launch(EngineContext ctx) throws EngineException {
        state.baselineForLaunch(ctx);
        startCoordinator(ctx);
        List<String> cmd = new ArrayList<>();
        cmd.add(tool("dmtcp_launch"));
        cmd.add("--join-coordinator");
        cmd.addAll(coordArgs());
        cmd.addAll(List.of("--ckptdir", ckptDir(ctx).toString(), "--no-gzip"));
        cmd.addAll(LaunchWrapper.withCompletionMarker(ctx.ctl().exitMarker(), LaunchWrapper.TRAPPED_UNDER_DMTCP, ctx.application()));
        return new ResumableApp(start(ctx, cmd));
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        Object images = manifest.engineData().get("images");
        if (!(images instanceof List<?> list) || list.isEmpty()) {
            throw new EngineException("generation " + generation.getFileName() + " lists no DMTCP images in its manifest");
        }
        // DMTCP records the absolute checkpoint directory in its images (saved copies of open files live in
        // <ckptdir>/ckpt_*_files/). That directory was images/.partial-dmtcp when it was written and has been
        // renamed to gen-NNNNNN since. The restart reads a hard-linked replica of the generation at that path: a
        // real directory, never a symbolic link, because DMTCP resolves the checkpoint directory to its real path
        // and would write every later checkpoint into gen-NNNNNN itself, replacing the committed images in place.
        // DMTCP writes *.temp files and renames them, so new images never touch the linked inodes either.
        Path ckpt = ckptDir(ctx);
        List<Path> files = new ArrayList<>();
        for (Object image : list) {
            Path p = generation.resolve(image.toString()).normalize();
            if (!p.startsWith(generation)) throw new EngineException("image path escapes the generation: " + image);
            files.add(p);
        }
        try {
            // the files as they were at this generation, before the processes that wrote them come back
            StateFiles.restore(generation, ctx.workdir(), manifest.engineData());
            SafeFiles.deleteTree(ckpt);
            DmtcpCheckpointFiles.replicate(generation, ckpt);
        } catch (IOException e) {
            throw new EngineException("cannot prepare " + ckpt + " and the state files for the restart: " + e.getMessage(), e);
        }
        int expected = manifest.engineData().get("processes") instanceof Number n ? n.intValue() : list.size();
        AppProcess app = restartProcesses(ctx, files, expected);
        try {
            SafeFiles.deleteTree(ckpt); // only links to the generation's files: the generation stays whole
            SafeFiles.ensureDir(ckpt);
        } catch (IOException e) {
            throw new EngineException("cannot reset " + ckpt + " after the restart: " + e.getMessage(), e);
        }
        return new ResumableApp(app);
    }

    /** A private coordinator, then {@code dmtcp_restart} of {@code images}; returns once every process runs again. */
    private AppProcess restartProcesses(EngineContext ctx, List<Path> images, int expected) throws EngineException {
        startCoordinator(ctx);
        List<String> cmd = new ArrayList<>();
        cmd.add(tool("dmtcp_restart"));
        cmd.add("--join-coordinator");
        cmd.addAll(coordArgs());
        cmd.addAll(List.of("--ckptdir", ckptDir(ctx).toString()));
        images.forEach(p -> cmd.add(p.toString()));
        AppProcess app = start(ctx, cmd);
        awaitRestored(ctx, app, expected);
        return app;
    }

    /** A restart that asserts half-way hangs instead of exiting: wait for every process to run again, or give up. */
    private void awaitRestored(EngineContext ctx, AppProcess app, int expected) throws EngineException {
        long end = System.nanoTime() + restoreTimeout.toNanos();
        String last = "";
        try {
            while (System.nanoTime() < end) {
                if (!app.isAlive()) {
                    if (Files.exists(ctx.ctl().exitMarker())) return; // restored and already finished by itself
                    throw new EngineException("dmtcp_restart ended before the application ran again (see the job's log)");
                }
                Map<String, String> st = DmtcpOutput.parseStatus(command("-s").output());
                last = st.toString();
                if ("yes".equals(st.get("RUNNING")) && DmtcpOutput.parseInt(st.getOrDefault("NUM_PEERS", "0")) >= expected) return;
                Thread.sleep(100);
            }
            Apps.terminate(app, Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new EngineException("DMTCP restart did not bring back " + expected + " processes within "
                + restoreTimeout.toSeconds() + " s (last status " + last + "); see the job's log for DMTCP's own message");
    }

    private AppProcess start(EngineContext ctx, List<String> cmd) throws EngineException {
        Map<String, String> env = new LinkedHashMap<>(ctx.env());
        env.put("DMTCP_COORD_HOST", "127.0.0.1");
        env.put("DMTCP_COORD_PORT", Integer.toString(port));
        try {
            return ctx.launcher().start(LaunchWrapper.groupLeader(cmd), env, ctx.workdir());
        } catch (IOException e) {
            throw new EngineException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
    }

    private CommandResult command(String... args) throws EngineException {
        return command(Duration.ofSeconds(30), args);
    }

    private CommandResult command(Duration timeout, String... args) throws EngineException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool("dmtcp_command"));
        cmd.addAll(coordArgs());
        cmd.addAll(List.of(args));
        try {
            return launcher.run(cmd, Map.of(), timeout);
        } catch (IOException e) {
            throw new EngineException("dmtcp_command " + String.join(" ", args) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> checkpoint(EngineContext ctx, AppProcess app, ImageStore.Pending target, boolean stop,
                                          Deadline deadline) throws EngineException {
        if (port < 0) throw new EngineException("no DMTCP coordinator");
        if (Files.isSymbolicLink(target.dir())) throw new EngineException(target.dir() + " is still the restart's link");
        if (!target.dir().equals(ckptDir(ctx))) throw new EngineException("DMTCP writes into " + ckptDir(ctx) + ", not " + target.dir());
        // with state files a periodic checkpoint kills and resumes (class comment); it needs the handle it can resume
        boolean resume = !stop && !state.isEmpty();
        if (resume && !(app instanceof ResumableApp)) throw new EngineException("cannot resume " + app + " after a checkpoint-and-kill");
        Map<String, String> st = DmtcpOutput.parseStatus(command("-s").output());
        if (DmtcpOutput.parseInt(st.getOrDefault("NUM_PEERS", "0")) <= 0) {
            throw new EngineException("the DMTCP coordinator has no peers (the application is gone)");
        }
        long t0 = System.nanoTime();
        // --kcheckpoint kills every process right after its image is written, so nothing runs (and writes output or
        // state files) between the checkpoint and the end; the images and DMTCP's restart script then decide
        boolean kill = stop || resume;
        String how = kill ? "--kcheckpoint" : "--bcheckpoint";
        CommandResult r = kill ? requestKill(app, target.dir(), deadline) : runWithin(deadline, how);
        if (r.timedOut() || (!r.ok() && !(kill && r.exitCode() == 2))) {
            if (resume && !app.isAlive()) ((ResumableApp) app).resumeFailed(DMTCP_FAIL_RC);
            throw new EngineException("dmtcp_command " + how + " failed (" + (r.timedOut() ? "timed out" : "exit " + r.exitCode()) + "): " + r.output());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        List<String> images;
        try {
            if (kill) awaitKilled(app, deadline);
            // after --kcheckpoint every process is gone, so every image has been renamed into place; DMTCP 3.2's
            // coordinator (--exit-on-last) may exit before it writes the restart script then, so the script is checked
            // only when it is there. A periodic checkpoint has only DMTCP's script to say it is complete.
            images = DmtcpCheckpointFiles.awaitComplete(target.dir(), deadline, how, !kill);
        } catch (EngineException e) {
            // killed but no complete image to resume from: an engine failure the coordinator restarts from the last generation
            if (resume && !app.isAlive()) ((ResumableApp) app).resumeFailed(DMTCP_FAIL_RC);
            throw e;
        }
        data.put("images", images);
        data.put("processes", images.size());
        data.put("writeMs", (System.nanoTime() - t0) / 1_000_000);
        Optional<IOException> copyFailed = Optional.empty();
        if (!state.isEmpty()) {
            try {
                data.putAll(state.snapshot(target, ctx.workdir())); // every process is gone: nothing writes them now
            } catch (IOException e) {
                copyFailed = Optional.of(e);
            }
        }
        if (resume) resume(ctx, (ResumableApp) app, target.dir(), images, data);
        if (copyFailed.isPresent()) {
            throw new EngineException("cannot copy the state files " + state.declared() + " into the generation: "
                    + copyFailed.get().getMessage() + "; this checkpoint is not kept (the files and the image would not match)", copyFailed.get());
        }
        return data;
    }

    /**
     * {@code --kcheckpoint}, asked again until DMTCP has taken it up. Its exit status cannot tell: 4.2's dmtcp_command
     * sends the request twice and prints the second one's refusal as "Computation was checkpointed and killed." (exit 2),
     * and a first request refused while a process is being created, or a moment after a restart, reads the same
     * (measured with 4.2: the processes were then never killed). So the request is taken up once the processes are gone
     * or an image appears in {@code dir}; until then it is repeated every 2 s (a repeat during a checkpoint is refused
     * and changes nothing), for up to {@link #KILL_REQUEST_WAIT} within the deadline. The application runs meanwhile.
     */
    private CommandResult requestKill(AppProcess app, Path dir, Deadline deadline) throws EngineException {
        long end = System.nanoTime() + Math.min(deadline.remaining().toNanos(), KILL_REQUEST_WAIT.toNanos());
        while (true) {
            CommandResult r = runWithin(deadline, "--kcheckpoint");
            if (!DmtcpOutput.refusedAsNotRunning(r)) return r;
            try {
                if (Apps.awaitGroupExit(app, Deadline.in(java.time.Clock.systemUTC(), Duration.ofSeconds(2)))) return r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return r;
            }
            if (DmtcpCheckpointFiles.anyImageStarted(dir)) return r;
            if (System.nanoTime() - end > 0) {
                throw new EngineException("DMTCP did not take up the checkpoint-and-kill within " + KILL_REQUEST_WAIT.toSeconds()
                        + " s (dmtcp_command: the computation is not in a running state; processes being created?); nothing was killed");
            }
        }
    }

    private static void awaitKilled(AppProcess app, Deadline deadline) throws EngineException {
        // the kill follows the checkpoint: once every process is gone, every image has been renamed into place
        boolean gone;
        try {
            gone = Apps.awaitGroupExit(app, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gone = false;
        }
        if (!gone) throw new EngineException("DMTCP did not finish the checkpoint-and-kill before the deadline");
    }

    /**
     * After a periodic checkpoint-and-kill: restarts the application from the images just written, in place (the
     * directory becomes the generation only after this returns; the restarted processes keep writing their next
     * checkpoints by path into a fresh one). The killed attempt's coordinator has exited with its last process.
     */
    private void resume(EngineContext ctx, ResumableApp app, Path dir, List<String> images, Map<String, Object> data) {
        long t0 = System.nanoTime();
        try {
            command(Duration.ofSeconds(5), "--quit"); // normally gone already (--exit-on-last); never left behind
        } catch (EngineException ignored) {
            // not reachable: it has exited
        }
        try {
            AppProcess next = restartProcesses(ctx, images.stream().map(dir::resolve).toList(), images.size());
            app.replace(next);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            data.put("resumeMs", ms);
            ctx.log().accept("DMTCP checkpoint-and-kill for the state files: application restarted from it in " + ms + " ms (pgid " + next.pgid() + ")");
        } catch (EngineException e) {
            app.resumeFailed(DMTCP_FAIL_RC);
            ctx.log().accept("DMTCP could not restart the application from the checkpoint it just took: " + e.getMessage()
                    + "; the coordinator restarts it from the newest generation");
        }
    }

    private CommandResult runWithin(Deadline deadline, String arg) throws EngineException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool("dmtcp_command"));
        cmd.addAll(coordArgs());
        cmd.add(arg);
        try {
            Duration d = deadline.remaining();
            return launcher.run(cmd, Map.of(), d.isZero() ? Duration.ofSeconds(1) : d);
        } catch (IOException e) {
            throw new EngineException("dmtcp_command " + arg + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isEngineFailure(int exitStatus, boolean markerPresent) {
        return !markerPresent && exitStatus == DMTCP_FAIL_RC;
    }

    @Override
    public void close() {
        if (port > 0) {
            try {
                command(Duration.ofSeconds(5), "--quit");
            } catch (EngineException ignored) {
                // --exit-on-last ends it anyway when the last process is gone
            }
        }
    }
}
