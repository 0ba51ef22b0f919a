package dev.crflow.cli.runner;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the user sees while a run goes on: a table redrawn in place on a terminal, or one timestamped line per
 * change when the output is a file or a pipe (logs, CI).
 */
public interface Progress {
    void update(List<StepView> steps);

    default void message(String text) {}

    default void finish(List<StepView> steps) { update(steps); }

    static Progress forStdout(PrintStream out, Clock clock) {
        return System.console() != null ? new Terminal(out, clock) : new Lines(out, clock);
    }

    /** Plain timestamped lines, printed only when something about a step changed. */
    final class Lines implements Progress {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
        private final PrintStream out;
        private final Clock clock;
        private final Map<String, String> last = new HashMap<>();

        public Lines(PrintStream out, Clock clock) {
            this.out = out;
            this.clock = clock;
        }

        @Override
        public void update(List<StepView> steps) {
            for (StepView s : steps) {
                String line = s.name() + " " + s.state() + (s.jobId() == null ? "" : " job " + s.jobId())
                        + s.node().map(n -> " on " + n).orElse("") + " attempt " + Math.max(1, s.attempts())
                        + " restarts " + s.restarts() + " generations " + s.generations()
                        + (s.exitCode() == null ? "" : " exit " + s.exitCode())
                        + (s.message().isEmpty() ? "" : " - " + s.message());
                if (!line.equals(last.put(s.name(), line))) {
                    out.println(TIME.format(clock.instant()) + " " + line);
                }
            }
            out.flush();
        }

        @Override
        public void message(String text) {
            out.println(TIME.format(clock.instant()) + " " + text);
            out.flush();
        }
    }

    /** A live table, redrawn with ANSI cursor movement: step, state, attempt, restarts, checkpoint age, budget left. */
    final class Terminal implements Progress {
        private static final int MAX_ROWS = 30;
        private final PrintStream out;
        private final Clock clock;
        private int drawn;

        public Terminal(PrintStream out, Clock clock) {
            this.out = out;
            this.clock = clock;
        }

        @Override
        public void update(List<StepView> steps) {
            StringBuilder b = new StringBuilder();
            if (drawn > 0) b.append("\u001b[").append(drawn).append("F");
            int lines = 0;
            b.append(String.format("\u001b[2K%-24s %-13s %-10s %7s %8s %12s %12s%n", "STEP", "STATE", "JOB", "ATTEMPT",
                    "RESTARTS", "CHECKPOINT", "BUDGET LEFT"));
            lines++;
            List<StepView> shown = steps.size() <= MAX_ROWS ? steps
                    : steps.stream().filter(s -> s.state().active() || s.state() == StepState.FAILED).limit(MAX_ROWS).toList();
            for (StepView s : shown) {
                b.append(String.format("\u001b[2K%-24s %s%-13s\u001b[0m %-10s %7d %8d %12s %12s%n", truncate(s.name(), 24),
                        color(s.state()), s.state(), s.jobId() == null ? "-" : s.jobId(), Math.max(1, s.attempts()), s.restarts(),
                        s.lastCheckpoint() == null ? "-" : age(Duration.between(s.lastCheckpoint(), clock.instant())) + " ago",
                        s.budgetLeft().map(Terminal::age).orElse("-")));
                lines++;
            }
            if (shown.size() < steps.size()) {
                Map<StepState, Long> counts = new java.util.EnumMap<>(StepState.class);
                for (StepView s : steps) counts.merge(s.state(), 1L, Long::sum);
                b.append("\u001b[2K").append(steps.size()).append(" steps: ").append(counts).append('\n');
                lines++;
            }
            for (int i = lines; i < drawn; i++) b.append("\u001b[2K\n");
            drawn = Math.max(lines, drawn);
            out.print(b);
            out.flush();
        }

        @Override
        public void message(String text) {
            out.println("\u001b[2K" + text);
            drawn = 0;
        }

        private static String color(StepState s) {
            return switch (s) {
                case COMPLETED -> "\u001b[32m";
                case FAILED, CANCELLED -> "\u001b[31m";
                case RUNNING -> "\u001b[36m";
                case CHECKPOINTING, REQUEUED -> "\u001b[33m";
                default -> "";
            };
        }

        static String age(Duration d) {
            long s = Math.max(0, d.getSeconds());
            if (s < 120) return s + "s";
            if (s < 7200) return (s / 60) + "m";
            return (s / 3600) + "h" + ((s % 3600) / 60) + "m";
        }

        private static String truncate(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }
    }

    /** No output (benchmarks, --quiet). */
    Progress NONE = steps -> { };

    static String now(Clock clock) { return Instant.now(clock).toString(); }
}
