package dev.llmcanary.canary;

/**
 * A named service-level class a canary is judged against (e.g. {@code interactive}, {@code batch}).
 *
 * @param objective         the target ratio of successful runs, e.g. {@code 0.995}
 * @param latencyPercentile the latency percentile the class is stated at, e.g. {@code 0.95}; informational
 */
public record SloClass(String name, Thresholds thresholds, double objective, double latencyPercentile) {
}
