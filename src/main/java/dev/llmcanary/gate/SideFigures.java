package dev.llmcanary.gate;

/**
 * One side's figures for a criterion.
 *
 * @param samples how many runs contributed
 * @param p50     median of the metric ({@code null} when not a distribution criterion or no samples)
 * @param p95     95th percentile
 * @param value   the figure an absolute criterion judges (a count, a rate, a p95), {@code null} otherwise
 */
public record SideFigures(int samples, Double p50, Double p95, Double value) {
}
