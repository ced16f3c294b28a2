package dev.llmcanary.canary.run;

/**
 * One per-run SLO threshold check.
 *
 * @param name      {@code ttft}, {@code e2e} or {@code output_tokens_per_second}
 * @param threshold the class threshold (tightened by the canary)
 * @param actual    the measured figure; {@code null} when there was none to measure (an incomplete answer)
 * @param passed    whether it held
 * @param reason    a one-line explanation when it did not hold
 */
public record SloCheck(String name, double threshold, Double actual, boolean passed, String reason) {
}
