package dev.llmcanary.evidence;

import java.util.List;
import java.util.Map;

/**
 * What one scrape of one endpoint read (both sources together).
 *
 * @param figures  normalized and query figures; empty when nothing could be read
 * @param counters the counters behind mean figures, for the next scrape
 * @param errors   why a source or figure is missing, e.g. "server metrics: timeout after 2 s"
 */
public record Scrape(Map<String, Double> figures, Map<Figure, double[]> counters, List<String> errors) {
    public Scrape {
        figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures)); // keeps figure order
        counters = Map.copyOf(counters);
        errors = List.copyOf(errors);
    }

    static Scrape failed(String error) {
        return new Scrape(Map.of(), Map.of(), List.of(error));
    }
}
