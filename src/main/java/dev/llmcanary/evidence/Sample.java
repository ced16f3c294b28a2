package dev.llmcanary.evidence;

import java.util.Map;

/** One series of a Prometheus text exposition: metric name, labels and value. */
public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
        labels = Map.copyOf(labels);
    }
}
