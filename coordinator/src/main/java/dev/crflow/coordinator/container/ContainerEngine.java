package dev.crflow.coordinator.container;

import dev.crflow.coordinator.engine.Apps;
import dev.crflow.coordinator.engine.CheckpointEngine;
import dev.crflow.coordinator.engine.Deadline;
import dev.crflow.coordinator.engine.DmtcpEngine;
import dev.crflow.coordinator.engine.EngineContext;
import dev.crflow.coordinator.engine.EngineException;
import dev.crflow.coordinator.proc.AppProcess;
import dev.crflow.coordinator.proc.LaunchWrapper;
import dev.crflow.coordinator.proc.ProcessLauncher.CommandResult;
import dev.crflow.coordinator.spec.StepSpec;
import dev.crflow.coordinator.store.ImageStore;
import dev.crflow.coordinator.store.Manifest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step with a {@code container} block: the engine runs inside the container, the coordinator outside.
 *
 * <ul>
 *   <li>{@code signal} and {@code none}: the wrapped engine is used as is; only the application it starts
 *   changes, to {@code RUNTIME run … IMAGE /bin/sh /opt/crflow/crflow-shim.sh exec -- APP}. The forwarded
 *   signal reaches the runtime process with the rest of the group; podman proxies it to the shim (PID 1 there),
 *   which forwards it to every process in the container.</li>
 *   <li>{@code dmtcp}: the image's own DMTCP, never the host's. The shim starts a private coordinator of the
 *   image's build on 127.0.0.1 (host network) and {@code dmtcp_launch}es the application; checkpoints are
 *   side invocations of the shim's {@code dmtcp-checkpoint} ({@code podman exec}, or a second
 *   {@code shifter}/{@code apptainer} instance) that call the image's {@code dmtcp_command}. Images go straight
 *   into the generation being written ({@code images/.partial-dmtcp}, bound at the same path), as with
 *   {@link DmtcpEngine}; restart runs the shim's {@code dmtcp-restart} on the committed generation.</li>
 * </ul>
 */
public final class ContainerEngine implements CheckpointEngine {
    static final Duration SIDE_TIMEOUT = Duration.ofMinutes(2);

    private final CheckpointEngine inner;
    private final StepSpec spec;
    private final String jobId;
    private final CommandRunner runner;
    private final String pathVariable;
    private ContainerDriver driver;
    private String version = "unknown";

    /**
     * @param inner        the engine the policy names (its launch/checkpoint are reused for signal and none)
     * @param environment  the coordinator's environment (PATH to find the runtime; SLURM_JOB_ID/CRFLOW_JOB_ID for the name)
     */
    public ContainerEngine(CheckpointEngine inner, StepSpec spec, Map<String, String> environment, CommandRunner runner) {
        this.inner = inner;
        this.spec = spec;
        this.runner = runner;
        this.pathVariable = environment.getOrDefault("PATH", "");
        String id = environment.getOrDefault("SLURM_JOB_ID", environment.getOrDefault("CRFLOW_JOB_ID", ""));
        this.jobId = id.isBlank() ? "local" : id;
    }

    /** Wraps {@code engine} when the step has a container; returns it unchanged otherwise. */
    public static CheckpointEngine wrapIfContained(CheckpointEngine engine, StepSpec spec, Map<String, String> environment) {
        return spec.container().isPresent() ? new ContainerEngine(engine, spec, environment, CommandRunner.system()) : engine;
    }

    private boolean dmtcp() { return inner.name().equals("dmtcp"); }

    private StepSpec.ContainerSpec container() { return spec.container().orElseThrow(); }

    @Override public String name() { return inner.name(); }
    @Override public String version() { return dmtcp() ? version : inner.version(); }
    @Override public boolean canCheckpoint() { return inner.canCheckpoint(); }
    @Override public void committed(dev.crflow.coordinator.store.Generation g) { inner.committed(g); }
    @Override public Optional<String> partialDirectoryName() { return dmtcp() ? Optional.of(DmtcpEngine.PARTIAL) : inner.partialDirectoryName(); }

    @Override
    public void check() throws EngineException {
        StepSpec.ContainerSpec c = container();
        if (inner.name().equals("criu")) {
            throw new EngineException("engine 'criu' cannot checkpoint from outside a container (podman checkpoint needs root,"
                    + " shifter and podman-hpc are rootless); use engine 'dmtcp' with DMTCP inside the image, or 'signal'");
        }
        if (dmtcp() && !spec.checkpoint().state().isEmpty()) {
            // the DSL drops them with a warning; a spec written otherwise must not restore appended files wrongly
            throw new EngineException("engine 'dmtcp' inside a container does not keep 'state' files " + spec.checkpoint().state()
                    + " (DMTCP is checkpointed through the container's shim); drop 'state' or run the step without a container");
        }
        List<ContainerProblem> problems = ContainerPreflight.check(c.runtime(), c.image(), c.mounts(), pathVariable, true);
        if (!problems.isEmpty()) {
            throw new EngineException("container: " + problems.stream().map(ContainerProblem::message).reduce((a, b) -> a + "; " + b).orElse(""));
        }
        if (!dmtcp()) inner.check();
        // ask the image itself, with the step's mounts (a bind-mounted DMTCP counts): present, runnable, and
        // holding what the engine needs (bash for the step's command; DMTCP's four tools for dmtcp). A missing
        // image or tool is an engine error, never mistaken for the application failing.
        ImageCheck.Report r = new ImageCheck(runner, pathVariable, SIDE_TIMEOUT)
                .check(c.runtime(), c.image(), inner.name(), c.mounts(), c.modules());
        if (r.verdict() != ImageCheck.Verdict.OK) throw new EngineException("container: " + r.message());
        if (!dmtcp()) return;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?)").matcher(r.facts().getOrDefault("dmtcp.version", ""));
        version = (m.find() ? m.group(1) : "unknown") + " (in image)";
    }

    private ContainerDriver driver(EngineContext ctx) throws EngineException {
        if (driver != null) return driver;
        StepSpec.ContainerSpec c = container();
        try {
            Path shimDir = Shim.install(ctx.ctl().root().resolve("container"));
            ContainerLaunch launch = ContainerPlan.of(c.runtime(), c.image(), c.mounts(), c.modules(), spec.name(), jobId,
                    ctx.workdir(), ctx.ctl().root(), shimDir, ctx.env(), inner.name(), ContainerPlan.rootless());
            driver = new ContainerDriver(launch, runner);
            return driver;
        } catch (IOException | IllegalArgumentException e) {
            throw new EngineException("container: " + e.getMessage(), e);
        }
    }

    /** The same context, with the application replaced by its containerised command line. */
    private EngineContext contained(EngineContext ctx) throws EngineException {
        ContainerDriver d = driver(ctx);
        Map<String, String> env = new LinkedHashMap<>(ctx.env());
        env.putAll(d.environment());
        List<String> app = d.launchApplication(Optional.empty(), ctx.application());
        ctx.log().accept("container: " + display(app));
        return new EngineContext(ctx.spec(), ctx.ctl(), ctx.workdir(), app, env, ctx.launcher(), ctx.log());
    }

    @Override
    public AppProcess launch(EngineContext ctx) throws EngineException {
        driver(ctx).removeLeftover(SIDE_TIMEOUT);
        if (!dmtcp()) return inner.launch(contained(ctx));
        ContainerDriver d = driver(ctx);
        return start(ctx, d.launchDmtcp(runDir(ctx), ckptDir(ctx), Optional.empty(), Optional.of(ctx.ctl().exitMarker().toString()), ctx.application()));
    }

    @Override
    public AppProcess restart(EngineContext ctx, Path generation, Manifest manifest) throws EngineException {
        driver(ctx).removeLeftover(SIDE_TIMEOUT);
        if (!dmtcp()) return inner.restart(contained(ctx), generation, manifest);
        Object images = manifest.engineData().get("images");
        if (!(images instanceof List<?> list) || list.isEmpty()) {
            throw new EngineException("generation " + generation.getFileName() + " lists no DMTCP images in its manifest");
        }
        ContainerDriver d = driver(ctx);
        return start(ctx, d.restartDmtcp(runDir(ctx), ckptDir(ctx), generation.toString(), Optional.empty(),
                Optional.of(ctx.ctl().exitMarker().toString())));
    }

    private AppProcess start(EngineContext ctx, List<String> cmd) throws EngineException {
        try {
            Files.createDirectories(Path.of(ckptDir(ctx)));
            Files.createDirectories(Path.of(runDir(ctx)));
            Files.deleteIfExists(Path.of(runDir(ctx), "dmtcp.port"));
            Map<String, String> env = new LinkedHashMap<>(ctx.env());
            env.putAll(driver.environment());
            ctx.log().accept("container: " + display(cmd));
            return ctx.launcher().start(LaunchWrapper.groupLeader(cmd), env, ctx.workdir());
        } catch (IOException e) {
            throw new EngineException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static String runDir(EngineContext ctx) { return ctx.ctl().root().resolve("container").resolve("run").toString(); }

    private static String ckptDir(EngineContext ctx) { return ctx.ctl().images().resolve(DmtcpEngine.PARTIAL).toString(); }

    @Override
    public Map<String, Object> checkpoint(EngineContext ctx, AppProcess app, ImageStore.Pending target, boolean stop,
                                          Deadline deadline) throws EngineException {
        if (!dmtcp()) return inner.checkpoint(ctx, app, target, stop, deadline);
        if (!target.dir().toString().equals(ckptDir(ctx))) throw new EngineException("DMTCP writes into " + ckptDir(ctx) + ", not " + target.dir());
        ContainerDriver d = driver(ctx);
        try {
            awaitPortFile(ctx, deadline);
            CommandResult st = d.status(runDir(ctx), SIDE_TIMEOUT);
            Map<String, String> status = ImageCheck.parseFacts(st.stdout());
            String peers = status.getOrDefault("NUM_PEERS", "0");
            if (!st.ok() || peers.equals("0")) {
                throw new EngineException("the image's DMTCP coordinator has no peers (the application is gone): " + (st.stdout() + st.stderr()).trim());
            }
            long t0 = System.nanoTime();
            Duration left = deadline.remaining();
            CommandResult r = d.checkpoint(runDir(ctx), left.isZero() ? Duration.ofSeconds(1) : left);
            if (!r.ok()) {
                throw new EngineException("in-container dmtcp_command --bcheckpoint failed (shim exit " + r.exitCode()
                        + (r.timedOut() ? ", timed out" : "") + "): " + (r.stdout() + r.stderr()).trim());
            }
            List<String> images = imagesOfThisCheckpoint(target.dir());
            int expected = images.size();
            if (stop) {
                d.quit(runDir(ctx), SIDE_TIMEOUT);
                Apps.awaitGroupExit(app, Deadline.in(Clock.systemUTC(), Duration.ofSeconds(20)));
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("images", images);
            data.put("processes", expected);
            data.put("writeMs", (System.nanoTime() - t0) / 1_000_000);
            data.put("container", container().runtime() + " " + container().image());
            return data;
        } catch (IOException e) {
            throw new EngineException("container checkpoint: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted during a container checkpoint");
        }
    }

    /**
     * The images this checkpoint consists of: exactly those DMTCP's coordinator lists in the restart script it writes
     * once every process has reported (its {@code given_ckpt_files}), each of which must exist. The number of processes
     * is not compared with a {@code NUM_PEERS} read before the checkpoint: a shell loop forks and reaps short-lived
     * children all the time, so the count taken a moment earlier routinely differs from the processes checkpointed.
     */
    static List<String> imagesOfThisCheckpoint(Path dir) throws IOException, EngineException {
        Path script = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "dmtcp_restart_script_*.sh")) {
            for (Path p : ds) if (script == null || Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(script)) > 0) script = p;
        }
        List<String> images = new ArrayList<>();
        if (script != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^given_ckpt_files=\"([^\"]*)\"").matcher(Files.readString(script));
            if (m.find()) {
                for (String f : m.group(1).trim().split("\\s+")) {
                    if (f.isEmpty()) continue;
                    String name = Path.of(f).getFileName().toString();
                    if (!Files.isRegularFile(dir.resolve(name))) {
                        throw new EngineException("DMTCP's restart script lists " + name + ", which is not in " + dir + "; not a usable checkpoint");
                    }
                    images.add(name);
                }
            }
        }
        if (images.isEmpty()) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "ckpt_*.dmtcp")) {
                for (Path p : ds) images.add(p.getFileName().toString());
            }
        }
        if (images.isEmpty()) throw new EngineException("DMTCP wrote no images into " + dir + "; not a usable checkpoint");
        images.sort(String::compareTo);
        return images;
    }

    /** A checkpoint asked for right after the launch waits for the shim to have started DMTCP's coordinator. */
    private static void awaitPortFile(EngineContext ctx, Deadline deadline) throws InterruptedException, EngineException {
        Path port = Path.of(runDir(ctx), "dmtcp.port");
        while (!deadline.expired()) {
            try {
                if (Files.size(port) > 0) return;
            } catch (IOException e) {
                // not there yet
            }
            Thread.sleep(100);
        }
        throw new EngineException("the image's DMTCP coordinator never wrote " + port);
    }

    @Override
    public boolean isEngineFailure(int exitStatus, boolean markerPresent) {
        if (!dmtcp()) return inner.isEngineFailure(exitStatus, markerPresent);
        // DMTCP's own failure, or the shim's: a tool missing in the image (3), no coordinator (4)
        return !markerPresent && (exitStatus == DmtcpEngine.DMTCP_FAIL_RC || exitStatus == Shim.EXIT_MISSING_TOOL
                || exitStatus == Shim.EXIT_NO_COORDINATOR);
    }

    @Override
    public void close() {
        if (driver != null) driver.removeLeftover(SIDE_TIMEOUT);
        inner.close();
    }

    /** The command as a shell would need it typed (for the job log only; it is never run through a shell). */
    static String display(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) b.append(' ');
            b.append(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

}
