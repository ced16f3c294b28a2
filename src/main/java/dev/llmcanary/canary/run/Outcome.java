package dev.llmcanary.canary.run;

/** How a canary run ended: the {@code outcome} label of {@code llm_canary_runs_total}. */
public enum Outcome {
    /** Every SLO threshold, stream rule and guardrail held. */
    PASS,
    /** The target answered but an SLO threshold, a stream rule or a guardrail failed. */
    FAIL,
    /** The run could not happen: connection refused, DNS, TLS, timeout before headers. */
    ERROR,
    /**
     * Our own shutdown cut the run before it finished: says nothing about the target, so it is stored and logged but
     * kept out of every SLO figure, success gauge, breaker and alert.
     */
    CANCELLED;

    /** Whether the run says something about the target (every outcome but {@link #CANCELLED}). */
    public boolean judged() {
        return this != CANCELLED;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
