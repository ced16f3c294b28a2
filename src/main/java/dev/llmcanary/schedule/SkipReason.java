package dev.llmcanary.schedule;

import java.util.Locale;

/** Why a scheduled tick did not start a run; the {@code reason} label of the skipped-runs counter. */
public enum SkipReason {
    /** The job's previous run was still going. */
    OVERLAP,
    /** The pool already had {@code max_concurrent_canaries} runs in flight. */
    CONCURRENCY,
    /** The pool's canary token budget for the last hour was spent. */
    BUDGET,
    /** The tick fell into one of the pool's quiet windows. */
    QUIET_WINDOW,
    /** The endpoint's circuit breaker was open (or its half-open probe still running). */
    CIRCUIT_OPEN,
    /** The endpoint answered HTTP 429 and its {@code Retry-After} had not passed. */
    RATE_LIMITED,
    /** Another replica sharing the database claimed this tick's slot and runs it. */
    CLAIMED_ELSEWHERE,
    /** The shared store could not be reached and the job is another live replica's share ({@link OutageShare}). */
    OTHER_REPLICAS_SHARE;

    /** The metric label value, e.g. {@code quiet_window}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
