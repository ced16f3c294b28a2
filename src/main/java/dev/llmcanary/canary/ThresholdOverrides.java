package dev.llmcanary.canary;

/** A canary's own, stricter limits on top of its SLO class; each {@code null} field inherits the class's value. */
public record ThresholdOverrides(Double ttftSeconds, Double e2eSeconds, Double minOutputTokensPerSecond,
                                 Double stallSeconds, Double stallAbortSeconds, Double timeoutSeconds) {

    /** Overrides that change nothing. */
    public static ThresholdOverrides none() {
        return new ThresholdOverrides(null, null, null, null, null, null);
    }
}
