package dev.crflow.executor.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs commands with {@link ProcessBuilder}: arguments passed as a list, stdin closed, both streams drained. */
public final class SystemProcessRunner implements ProcessRunner {

    @Override
    public ProcessResult run(List<String> command, Duration timeout) throws IOException {
        return run(command, Map.of(), timeout);
    }

    @Override
    public ProcessResult run(List<String> command, Map<String, String> extraEnv, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        if (!finished) {
            p.destroyForcibly();
        }
        String stdout = out.join();
        String stderr = err.join();
        return new ProcessResult(finished ? p.exitValue() : -1, stdout, stderr, !finished);
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
