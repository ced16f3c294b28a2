package dev.llmcanary.gate.config;

/**
 * The candidate's own checks, independent of any baseline; {@code null} switches a check off.
 *
 * @param p95TtftWithinClass   the p95 TTFT of each canary must be within its SLO class's {@code ttft_seconds}
 * @param maxStalls            runs with a stall violation allowed
 * @param maxOutOfOrder        runs with an out-of-order violation allowed
 * @param minGuardrailPassRate share of answered runs whose guardrails all passed (1.0 = every one)
 * @param maxErrorRate         share of runs that could not happen (connection, timeout, HTTP error)
 * @param minSamples           fewer candidate runs (or baseline runs, for comparisons) than this: inconclusive
 */
public record AbsoluteCriteria(boolean p95TtftWithinClass, Integer maxStalls, Integer maxOutOfOrder,
                               Double minGuardrailPassRate, Double maxErrorRate, int minSamples) {
}
