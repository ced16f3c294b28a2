package dev.llmcanary.canary;

import java.util.Optional;

/**
 * The limits one run must stay within to count as a success; {@code null} means the class sets no such limit.
 *
 * @param ttftSeconds              the first token must arrive within this
 * @param e2eSeconds               the whole answer must be complete within this
 * @param minOutputTokensPerSecond the decode rate must not fall below this
 * @param stallSeconds             a gap between tokens above this is a stall
 * @param stallAbortSeconds        a gap above this aborts the stream
 * @param timeoutSeconds           the request is abandoned after this (the total timeout, from the attempt's start)
 * @param headersTimeoutSeconds    response headers must arrive within this of the attempt's start; {@code null}:
 *                                 derived, see {@link #headersTimeout()}
 * @param firstTokenTimeoutSeconds the first token must arrive within this of the attempt's start; {@code null}:
 *                                 derived, see {@link #firstTokenTimeout()}
 */
public record Thresholds(Double ttftSeconds, Double e2eSeconds, Double minOutputTokensPerSecond, double stallSeconds,
                         double stallAbortSeconds, double timeoutSeconds, Double headersTimeoutSeconds,
                         Double firstTokenTimeoutSeconds) {

    /**
     * How many times its latency threshold a first token may take before the run is given up: a first token that
     * late has long failed its SLO, waiting further only ties up one of the pool's canary slots, and up to this
     * point the run still reports how late it was.
     */
    public static final double FIRST_TOKEN_TIMEOUT_FACTOR = 10;

    /** Thresholds whose headers and first-token timeouts are derived. */
    public Thresholds(Double ttftSeconds, Double e2eSeconds, Double minOutputTokensPerSecond, double stallSeconds,
                      double stallAbortSeconds, double timeoutSeconds) {
        this(ttftSeconds, e2eSeconds, minOutputTokensPerSecond, stallSeconds, stallAbortSeconds, timeoutSeconds, null,
                null);
    }

    /**
     * The first-token timeout in force: the explicit value, else {@link #FIRST_TOKEN_TIMEOUT_FACTOR} × the TTFT
     * threshold (the e2e threshold when the class has no TTFT one), else the total timeout; never above the total.
     */
    public double firstTokenTimeout() {
        if (firstTokenTimeoutSeconds != null) {
            return Math.min(firstTokenTimeoutSeconds, timeoutSeconds);
        }
        Double base = ttftSeconds != null ? ttftSeconds : e2eSeconds;
        return base == null ? timeoutSeconds : Math.min(timeoutSeconds, base * FIRST_TOKEN_TIMEOUT_FACTOR);
    }

    /**
     * The headers timeout in force: the explicit value, else the first-token timeout (some servers and proxies send
     * headers only with the first chunk, so a tighter default would misreport them); never above the first-token one.
     */
    public double headersTimeout() {
        double firstToken = firstTokenTimeout();
        return headersTimeoutSeconds == null ? firstToken : Math.min(headersTimeoutSeconds, firstToken);
    }

    /**
     * The one rule a set of stall limits must keep, checked on the thresholds a run is judged by (a class's own, or a
     * class's tightened by a canary): the abort comes after the stall is reported. Empty when it holds.
     */
    public static Optional<String> stallOrderProblem(double stallSeconds, double stallAbortSeconds) {
        if (stallAbortSeconds > stallSeconds) {
            return Optional.empty();
        }
        return Optional.of("stall_abort_seconds (" + stallAbortSeconds + ") must be greater than stall_seconds ("
                + stallSeconds + ")");
    }

    /** {@link #stallOrderProblem(double, double)} of these thresholds. */
    public Optional<String> stallOrderProblem() {
        return stallOrderProblem(stallSeconds, stallAbortSeconds);
    }

    /**
     * These thresholds tightened by a canary's overrides ({@code null} fields inherit). An override can only make a
     * limit stricter: the loader rejects loosening, and taking the stricter value here keeps that true for callers
     * that build overrides by hand.
     */
    public Thresholds tightenedBy(ThresholdOverrides o) {
        if (o == null) {
            return this;
        }
        return new Thresholds(
                lower(ttftSeconds, o.ttftSeconds()),
                lower(e2eSeconds, o.e2eSeconds()),
                higher(minOutputTokensPerSecond, o.minOutputTokensPerSecond()),
                o.stallSeconds() == null ? stallSeconds : Math.min(stallSeconds, o.stallSeconds()),
                o.stallAbortSeconds() == null ? stallAbortSeconds : Math.min(stallAbortSeconds, o.stallAbortSeconds()),
                o.timeoutSeconds() == null ? timeoutSeconds : Math.min(timeoutSeconds, o.timeoutSeconds()),
                headersTimeoutSeconds, firstTokenTimeoutSeconds);
    }

    private static Double lower(Double base, Double override) {
        if (override == null) {
            return base;
        }
        return base == null ? override : Double.valueOf(Math.min(base, override));
    }

    private static Double higher(Double base, Double override) {
        if (override == null) {
            return base;
        }
        return base == null ? override : Double.valueOf(Math.max(base, override));
    }
}
