package dev.crflow.coordinator.container;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion: the seam for tests of {@link ImageCheck} and the container driver. */
public interface CommandRunner {

    Result run(List<String> command, Map<String, String> extraEnv, Duration timeout) throws IOException;

    record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
        public boolean ok() { return exitCode == 0 && !timedOut; }
    }

    /** Real processes; stdin from /dev/null; the host environment plus {@code extraEnv}. */
    static CommandRunner system() {
        return (command, extraEnv, timeout) -> {
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(extraEnv);
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
            if (!finished) p.destroyForcibly();
            return new Result(finished ? p.exitValue() : -1, out.join(), err.join(), !finished);
        };
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
