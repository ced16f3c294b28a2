package dev.llmcanary.store;

import java.time.Duration;

/**
 * How long, and how many, stored runs are kept: failures (fail and error) longer than passes, as they are what people
 * debug; and at most {@code maxRuns} in all (0: no cap), the oldest passes going first, then the oldest of the rest.
 */
public record Retention(Duration successes, Duration failures, long maxRuns) {

    /** Retention by age only. */
    public Retention(Duration successes, Duration failures) {
        this(successes, failures, 0);
    }

    public Retention {
        if (maxRuns < 0) {
            throw new IllegalArgumentException("max-runs must not be negative");
        }
    }
}
