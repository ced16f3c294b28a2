package dev.llmcanary.canary;

/**
 * The limits one run must stay within to count as a success; {@code null} means the class sets no such limit.
 *
 * @param ttftSeconds              the first token must arrive within this
 * @param e2eSeconds               the whole answer must be complete within this
 * @param minOutputTokensPerSecond the decode rate must not fall below this
 * @param stallSeconds             a gap between tokens above this is a stall
 * @param stallAbortSeconds        a gap above this aborts the stream
 * @param timeoutSeconds           the request is abandoned after this
 */
public record Thresholds(Double ttftSeconds, Double e2eSeconds, Double minOutputTokensPerSecond, double stallSeconds,
                         double stallAbortSeconds, double timeoutSeconds) {

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
                o.timeoutSeconds() == null ? timeoutSeconds : Math.min(timeoutSeconds, o.timeoutSeconds()));
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
