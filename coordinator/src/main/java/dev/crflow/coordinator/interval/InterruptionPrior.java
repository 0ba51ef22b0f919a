package dev.crflow.coordinator.interval;

/**
 * The mean time between interruptions M, from the step's own history blended with the site's prior.
 *
 * <p>The site gives a chance per attempt, r (settings' {@code interruptionRate}): an attempt of length W ends early
 * with probability r. For interruptions as a Poisson process that is a rate λ₀ = −ln(1 − r) / W. The prior is a
 * Gamma(α, β) on the rate worth {@value #PRIOR_ATTEMPTS} attempt of running: a pseudo-exposure β = W in which
 * α = β·λ₀ = −ln(1 − r) interruptions were seen (r = 0 counts as {@value #MIN_RATE}: rare, not never). After n
 * interruptions in T seconds of the step's own running, the posterior mean rate is (α + n) / (β + T), and M is its
 * inverse. With no history M is the prior's W / −ln(1 − r); after a few attempts the step's own record dominates,
 * because the prior weighs no more than one attempt. (A prior worth a fixed number of interruptions instead would weigh
 * days of running when r is small, and a step interrupted every half hour would be believed for far too long to be
 * interrupted every day or two: the benchmark in docs/benchmarks/interval.md measured that.)
 */
public final class InterruptionPrior {
    /** How many attempts' worth of running the site's prior weighs. */
    public static final double PRIOR_ATTEMPTS = 1.0;
    /** The smallest chance per attempt the prior assumes. */
    public static final double MIN_RATE = 0.001;
    /** The prior chance per attempt when the settings give none. */
    public static final double DEFAULT_RATE = 0.05;

    private InterruptionPrior() {}

    /** The prior's pseudo-interruptions α for a chance {@code ratePerAttempt} per attempt. */
    public static double pseudoInterruptions(double ratePerAttempt) {
        double r = Math.min(Math.max(MIN_RATE, ratePerAttempt), 0.999999);
        return PRIOR_ATTEMPTS * -Math.log1p(-r);
    }

    /** M in seconds: the posterior mean time between interruptions after {@code interruptions} in {@code observedSeconds}. */
    public static double mtbiSeconds(double ratePerAttempt, double attemptSeconds, int interruptions, double observedSeconds) {
        double beta = PRIOR_ATTEMPTS * Math.max(1, attemptSeconds);
        return (beta + Math.max(0, observedSeconds)) / (pseudoInterruptions(ratePerAttempt) + Math.max(0, interruptions));
    }
}
