package dev.crflow.executor.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts invocations per program (e.g. how many {@code squeue} calls a run made): benchmarks and tests. */
public final class CountingProcessRunner implements ProcessRunner {
    private final ProcessRunner delegate;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    public CountingProcessRunner(ProcessRunner delegate) { this.delegate = delegate; }

    @Override
    public ProcessResult run(List<String> command, Duration timeout) throws IOException {
        count(command);
        return delegate.run(command, timeout);
    }

    @Override
    public ProcessResult run(List<String> command, Map<String, String> extraEnv, Duration timeout) throws IOException {
        count(command);
        return delegate.run(command, extraEnv, timeout);
    }

    private void count(List<String> command) {
        String program = command.get(0);
        program = program.substring(program.lastIndexOf('/') + 1);
        counts.computeIfAbsent(program, k -> new AtomicLong()).incrementAndGet();
    }

    public long count(String program) {
        AtomicLong c = counts.get(program);
        return c == null ? 0 : c.get();
    }
}
