package io.ironclad.faults;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What a {@link FaultyDriver} injects, each with a probability per call (0..1).
 *
 * @param seed seed of the driver's random source: the same plan over the same calls injects the same faults
 * @param lagProbability chance that a put or commit becomes visible only after a lag
 * @param maxLag upper bound of that lag (uniform in (0, maxLag]); during it plain reads of a new
 *     key miss, and plain reads of an overwritten key see the previous version
 * @param freshReadsBypassLag whether freshness reads see the newest version during the lag (true:
 *     Swift {@code X-Newest}; false: a backend whose freshness read is no better than a plain one)
 * @param missingProbability chance that a plain read reports an existing object missing
 * @param truncateProbability chance that an opened body ends early, silently, as a confident 200
 * @param flipProbability chance that one byte of an opened body is flipped
 * @param wrongMetadataProbability chance that a read reports wrong digests: every user metadata value that is a
 *     digest (the consistency layer's integrity digest) comes back as another digest of its algorithm
 * @param transientProbability chance that a call fails with a transient error before reaching the backend
 * @param latencyProbability chance that a call is delayed by {@code latency}
 * @param latency the added delay
 */
public record FaultPlan(long seed, double lagProbability, Duration maxLag, boolean freshReadsBypassLag,
        double missingProbability, double truncateProbability, double flipProbability, double wrongMetadataProbability,
        double transientProbability, double latencyProbability, Duration latency) {

    public FaultPlan {
        requireNonNull(maxLag, "maxLag is null");
        requireNonNull(latency, "latency is null");
        if (maxLag.isNegative() || latency.isNegative()) {
            throw new IllegalArgumentException("maxLag and latency must not be negative");
        }
        for (double p : new double[] {lagProbability, missingProbability, truncateProbability, flipProbability,
                wrongMetadataProbability, transientProbability, latencyProbability}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probabilities must be within 0..1, got " + p);
            }
        }
    }

    /** No faults at all. */
    public static FaultPlan none(long seed) {
        return new FaultPlan(seed, 0, Duration.ZERO, true, 0, 0, 0, 0, 0, 0, Duration.ZERO);
    }

    public FaultPlan withLag(double probability, Duration max) {
        return new FaultPlan(seed, probability, max, freshReadsBypassLag, missingProbability, truncateProbability,
                flipProbability, wrongMetadataProbability, transientProbability, latencyProbability, latency);
    }

    public FaultPlan withFreshReadsBypassLag(boolean value) {
        return new FaultPlan(seed, lagProbability, maxLag, value, missingProbability, truncateProbability,
                flipProbability, wrongMetadataProbability, transientProbability, latencyProbability, latency);
    }

    public FaultPlan withMissing(double probability) {
        return new FaultPlan(seed, lagProbability, maxLag, freshReadsBypassLag, probability, truncateProbability,
                flipProbability, wrongMetadataProbability, transientProbability, latencyProbability, latency);
    }

    public FaultPlan withTruncate(double probability) {
        return new FaultPlan(seed, lagProbability, maxLag, freshReadsBypassLag, missingProbability, probability,
                flipProbability, wrongMetadataProbability, transientProbability, latencyProbability, latency);
    }

    public FaultPlan withFlip(double probability) {
        return new FaultPlan(seed, lagProbability, maxLag, freshReadsBypassLag, missingProbability, truncateProbability,
                probability, wrongMetadataProbability, transientProbability, latencyProbability, latency);
    }

    public FaultPlan withWrongMetadata(double probability) {
        return new FaultPlan(seed, lagProbability, maxLag, freshReadsBypassLag, missingProbability, truncateProbability,
                flipProbability, probability, transientProbability, latencyProbability, latency);
    }

    public FaultPlan withTransient(double probability) {
        return new FaultPlan(seed, lagProbability, maxLag, freshReadsBypassLag, missingProbability, truncateProbability,
                flipProbability, wrongMetadataProbability, probability, latencyProbability, latency);
    }

    public FaultPlan withLatency(double probability, Duration value) {
        return new FaultPlan(seed, lagProbability, maxLag, freshReadsBypassLag, missingProbability, truncateProbability,
                flipProbability, wrongMetadataProbability, transientProbability, probability, value);
    }
}
