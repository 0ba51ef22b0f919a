package dev.crflow.executor.slurm;

import dev.crflow.executor.process.ProcessResult;
import dev.crflow.executor.process.ProcessRunner;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Answers commands from a function and records them. For parser/flow unit tests only, never as proof against Slurm. */
final class FakeRunner implements ProcessRunner {
    final List<List<String>> calls = new ArrayList<>();
    Function<List<String>, ProcessResult> answer;

    FakeRunner(Function<List<String>, ProcessResult> answer) { this.answer = answer; }

    @Override
    public synchronized ProcessResult run(List<String> command, Duration timeout) throws IOException {
        calls.add(List.copyOf(command));
        ProcessResult r = answer.apply(command);
        if (r == null) throw new IOException("Cannot run program \"" + command.get(0) + "\": error=2, No such file or directory");
        return r;
    }

    long count(String program) { return calls.stream().filter(c -> c.get(0).equals(program)).count(); }

    static ProcessResult ok(String out) { return new ProcessResult(0, out, "", false); }

    static ProcessResult fail(int code, String err) { return new ProcessResult(code, "", err, false); }
}
