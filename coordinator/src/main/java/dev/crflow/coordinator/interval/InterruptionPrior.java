package dev.crflow.coordinator.interval;

/**
 * The mean time between interruptions M, from the step's own history blended with the site's prior.
 *
 * <p>The site gives a chance per attempt, r (settings' {@code interruptionRate}): an attempt of length W ends early
 * with probability r. For interruptions as a Poisson process that is a rate λ₀ = −ln(1 − r) / W. The prior is a
 * Gamma(α, β) on the rate with α = {@value #PSEUDO_INTERRUPTIONS} pseudo-interruption seen over a pseudo-exposure
 * β = α / λ₀ (at most {@value #MAX_PRIOR_ATTEMPTS} attempts' worth, so r = 0 still lets the step's own interruptions
 * count); after n interruptions in T seconds of the step's own running, the posterior mean rate is
 * (α + n) / (β + T), and M is its inverse. With no history M is the prior's; as the step runs, its own record takes over.
 */
public final class InterruptionPrior {
    /** How many interruptions' worth of evidence the site's prior is. */
    public static final double PSEUDO_INTERRUPTIONS = 1.0;
    /** r = 0 means "rare", not "never": the prior's exposure is at most this many attempt lengths. */
    public static final double MAX_PRIOR_ATTEMPTS = 1000;
    /** The prior chance per attempt when the settings give none. */
    public static final double DEFAULT_RATE = 0.05;

    private InterruptionPrior() {}

    /** The prior's pseudo-exposure β in seconds, for a chance {@code ratePerAttempt} per attempt of {@code attemptSeconds}. */
    public static double pseudoExposure(double ratePerAttempt, double attemptSeconds) {
        double w = Math.max(1, attemptSeconds);
        double r = Math.min(Math.max(0, ratePerAttempt), 0.999999);
        double lambda0 = -Math.log1p(-r) / w;
        double beta = lambda0 > 0 ? PSEUDO_INTERRUPTIONS / lambda0 : Double.POSITIVE_INFINITY;
        return Math.min(beta, MAX_PRIOR_ATTEMPTS * w);
    }

    /** M in seconds: the posterior mean time between interruptions after {@code interruptions} in {@code observedSeconds}. */
    public static double mtbiSeconds(double ratePerAttempt, double attemptSeconds, int interruptions, double observedSeconds) {
        double beta = pseudoExposure(ratePerAttempt, attemptSeconds);
        return (beta + Math.max(0, observedSeconds)) / (PSEUDO_INTERRUPTIONS + Math.max(0, interruptions));
    }
}
