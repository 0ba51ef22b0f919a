package dev.crflow.coordinator.proc;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real processes. The application's output goes where the coordinator's goes (the job's
 * {@code stdout.log}/{@code stderr.log}); its stdin is /dev/null.
 *
 * <p>{@link #start} must be called from a thread that lives as long as the application: the launch
 * wrapper arms {@code PR_SET_PDEATHSIG}, which the kernel fires when the <em>thread</em> that forked the
 * child ends, not the JVM. The coordinator launches from its main thread.
 */
public final class SystemProcessLauncher implements ProcessLauncher {

    @Override
    public AppProcess start(List<String> command, Map<String, String> env, Path workdir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workdir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        return new SystemAppProcess(p);
    }

    @Override
    public CommandResult run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        if (!finished) {
            p.destroyForcibly();
        }
        String o = out.join();
        String e = err.join();
        return new CommandResult(finished ? p.exitValue() : -1, o, e, !finished);
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static final class SystemAppProcess implements AppProcess {
        private final Process process;
        private final int pgid;

        SystemAppProcess(Process process) {
            this.process = process;
            this.pgid = (int) process.pid();
        }

        @Override public int pgid() { return pgid; }
        @Override public boolean isAlive() { return process.isAlive(); }

        @Override
        public OptionalInt waitFor(Duration timeout) throws InterruptedException {
            if (process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        }

        @Override public boolean signalGroup(int signal) { return Posix.signalGroup(pgid, signal); }
        @Override public boolean groupAlive() { return Posix.groupExists(pgid); }
    }
}
