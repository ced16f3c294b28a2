package dev.llmcanary.gate.config;

/**
 * "The candidate is not worse than the baseline by more than {@code tolerance}", decided by a one-sided rank test.
 *
 * @param tolerance the shift accepted without failing, as a share (0.1 = 10 %)
 * @param alpha     the significance level: fail only when p &lt; alpha
 */
public record ComparativeCriterion(GateMetric metric, double tolerance, double alpha) {

    public static final double DEFAULT_ALPHA = 0.01;
}
