package dev.llmcanary.canary;

import dev.llmcanary.stream.BufferedDelivery;

/**
 * A named service-level class a canary is judged against (e.g. {@code interactive}, {@code batch}).
 *
 * @param objective         the target ratio of successful runs, e.g. {@code 0.995}
 * @param latencyPercentile the latency percentile the class is stated at, e.g. {@code 0.95}; informational
 * @param bufferedDelivery  when an answer arriving in too few bursts is the finding {@code buffered_delivery};
 *                          {@code null} when the class does not judge delivery (nobody watches the stream)
 */
public record SloClass(String name, Thresholds thresholds, double objective, double latencyPercentile,
                       BufferedDelivery bufferedDelivery) {

    /** A class with the default delivery judgement. */
    public SloClass(String name, Thresholds thresholds, double objective, double latencyPercentile) {
        this(name, thresholds, objective, latencyPercentile, BufferedDelivery.DEFAULT);
    }
}
