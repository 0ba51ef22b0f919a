package dev.crflow.coordinator.bench;

import dev.crflow.coordinator.interval.InterruptionPrior;
import dev.crflow.coordinator.interval.YoungDaly;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Random;

/**
 * A replay of one step's life under one interruption trace, as the coordinator lives it (docs/coordinator.md,
 * "Automatic interval"), for {@link AutoIntervalBenchmark}: attempts with a time limit and a warning checkpoint at
 * {@code limit − lead} (no interruption: requeued, not counted), periodic checkpoints every τ of wall time since the
 * attempt's start or the last periodic checkpoint, interruptions (preemption, node loss) at the trace's instants, each
 * losing the work since the last committed checkpoint, a restart cost before every attempt after the first. The
 * application makes no progress while it is checkpointed (DMTCP/CRIU stop it; Daly's model) and a checkpoint cut by an
 * interruption commits nothing. Time is the step's running time: queue waits are not in it.
 *
 * <p>{@code auto} is decided by the production arithmetic itself ({@link YoungDaly}, {@link InterruptionPrior},
 * {@link YoungDaly.Limits#DEFAULT}) from what the journal would hold at that moment: the mean of the last five committed
 * checkpoints' costs (the default cost before any), the interruptions so far and the running time they happened in; at
 * every attempt start and after every periodic checkpoint, as {@code IntervalPlanner} does.
 */
final class IntervalSimulation {
    /**
     * @param work      compute the step needs, seconds
     * @param limit     the time limit of one attempt, seconds
     * @param lead      the warning's lead, seconds
     * @param restart   the restart cost (start to running from a generation), seconds
     * @param costs     measured checkpoint costs, seconds; each checkpoint takes one of them, drawn with the trace's seed
     * @param priorRate the site's interruptionRate (chance per attempt) that {@code auto} starts from
     */
    record Setup(double work, double limit, double lead, double restart, double[] costs, double priorRate) {}

    /** What one replay cost, all in seconds of running time. */
    record Outcome(double lostWork, double checkpointTime, double restartTime, int interruptions, int checkpoints) {
        double waste() { return lostWork + checkpointTime; }
    }

    /** Interruption instants of one trace: a Poisson process of mean gap {@code mtbi}, seeded. */
    static final class Trace {
        private final Random gaps;
        private final double mtbi;
        private double next;

        Trace(long seed, double mtbi) {
            this.gaps = new Random(seed);
            this.mtbi = mtbi;
            this.next = draw();
        }

        private double draw() { return -mtbi * Math.log(1 - gaps.nextDouble()); }

        double next() { return next; }

        void advance(double now) { while (next <= now) next += draw(); }
    }

    /** Fixed interval {@code tau} seconds, or {@code auto} when {@code tau} is empty. */
    static Outcome run(Setup s, long seed, double mtbi, Optional<Double> tau) {
        Trace trace = new Trace(seed, mtbi);
        Random costDraw = new Random(seed * 31 + 7);
        Deque<Double> recentCosts = new ArrayDeque<>();
        double t = 0, done = 0, lost = 0, ckptTime = 0, restartTime = 0, observed = 0;
        int interruptions = 0, checkpoints = 0;
        boolean first = true, finished = false;
        while (!finished) {
            // hopeless (an interval far too long for the interruption rate): stop counting, the waste is unbounded
            if (t > 50 * s.work()) return new Outcome(Double.POSITIVE_INFINITY, ckptTime, restartTime, interruptions, checkpoints);
            double attemptStart = t;
            if (!first) {
                // restarting: an interruption during it costs the restart so far, nothing else
                if (trace.next() < t + s.restart()) {
                    restartTime += trace.next() - t;
                    observed += trace.next() - t;
                    t = trace.next();
                    trace.advance(t);
                    interruptions++;
                    continue;
                }
                t += s.restart();
                restartTime += s.restart();
            }
            first = false;
            double warning = attemptStart + s.limit() - s.lead();
            Optional<Double> interval = tau.isPresent() ? tau : auto(s, recentCosts, interruptions, observed + (t - attemptStart), warning - t);
            double progress = 0;             // uncommitted work of this attempt
            double periodicFrom = t;
            boolean attemptOver = false;
            while (!attemptOver) {
                double toFinish = s.work() - done - progress;
                double periodicAt = interval.isPresent() ? periodicFrom + interval.get() : Double.POSITIVE_INFINITY;
                double nextStop = Math.min(Math.min(t + toFinish, warning), Math.min(periodicAt, trace.next()));
                progress += nextStop - t;
                t = nextStop;
                if (t >= trace.next()) {                          // interrupted while running
                    lost += progress;
                    interruptions++;
                    trace.advance(t);
                    attemptOver = true;
                } else if (done + progress >= s.work() - 1e-6) {  // the application completes
                    done += progress;
                    attemptOver = true;
                    finished = true;
                } else {                                          // a periodic or the warning's checkpoint
                    boolean isWarning = t >= warning;
                    double c = s.costs()[costDraw.nextInt(s.costs().length)];
                    if (trace.next() < t + c) {                   // cut: nothing committed
                        ckptTime += trace.next() - t;
                        lost += progress;
                        t = trace.next();
                        interruptions++;
                        trace.advance(t);
                        attemptOver = true;
                    } else {
                        t += c;
                        ckptTime += c;
                        checkpoints++;
                        done += progress;
                        progress = 0;
                        recentCosts.addLast(c);
                        if (recentCosts.size() > 5) recentCosts.removeFirst();
                        if (isWarning) {
                            attemptOver = true;                   // requeued at the walltime: not an interruption
                        } else {
                            periodicFrom = t;
                            if (tau.isEmpty()) interval = auto(s, recentCosts, interruptions, observed + (t - attemptStart), warning - t);
                        }
                    }
                }
            }
            observed += t - attemptStart;
        }
        return new Outcome(lost, ckptTime, restartTime, interruptions, checkpoints);
    }

    private static Optional<Double> auto(Setup s, Deque<Double> costs, int interruptions, double observed, double untilWarning) {
        double c = costs.isEmpty() ? dev.crflow.coordinator.interval.Measurements.DEFAULT_COST_SECONDS
                : costs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double m = InterruptionPrior.mtbiSeconds(s.priorRate(), s.limit(), interruptions, observed);
        YoungDaly.Choice choice = YoungDaly.choose(c, !costs.isEmpty(), m, Optional.of(Duration.ofMillis(Math.max(0, Math.round(untilWarning * 1000)))),
                YoungDaly.Limits.DEFAULT);
        return choice.bound() == YoungDaly.Bound.WALLTIME ? Optional.empty() : Optional.of(choice.interval().toMillis() / 1000.0);
    }
}
