package dev.llmcanary.canary.run;

import java.util.Locale;

/**
 * What started a run. Only {@link #SCHEDULE} runs speak for the fleet's service level: gate and on-demand runs are
 * asked for by a person or a pipeline, often against a candidate that is expected to fail, so they must never feed
 * SLO compliance, burn-rate alerts or the histograms those read, and never take the schedule's place on a pool.
 */
public enum Trigger {
    /** The scheduler's continuous canaries. */
    SCHEDULE,
    /** {@code POST /api/canaries/{id}/runs}. */
    API,
    /** A deployment gate's fresh runs. */
    GATE;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The {@code trigger} label value and the value in the run's JSON, log line and span. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return label;
    }
}
