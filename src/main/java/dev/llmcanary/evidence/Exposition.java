package dev.llmcanary.evidence;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a bounded parse of a Prometheus text page kept: the samples asked for, the declared types of their families,
 * every metric name seen (to recognize the dialect) and how many lines were not understood.
 *
 * @param series       every sample line read, kept or not
 * @param skippedLines lines that were neither a comment nor a valid sample (ignored, counted)
 */
public record Exposition(List<Sample> samples, Map<String, String> types, Set<String> prefixesSeen, int series,
                         int skippedLines) {

    public Exposition {
        samples = List.copyOf(samples);
        types = Map.copyOf(types);
        prefixesSeen = Set.copyOf(prefixesSeen);
    }

    /** The combined value of every series named {@code name}, or {@code null} when there is none. */
    Double combined(String name, Figure figure) {
        Double out = null;
        for (Sample s : samples) {
            if (s.name().equals(name) && !Double.isNaN(s.value())) {
                out = out == null ? s.value() : figure.combine(out, s.value());
            }
        }
        return out;
    }

    /** The sum of every series named {@code name} (for counters), or {@code null} when there is none. */
    Double sum(String name) {
        Double out = null;
        for (Sample s : samples) {
            if (s.name().equals(name) && !Double.isNaN(s.value())) {
                out = out == null ? s.value() : out + s.value();
            }
        }
        return out;
    }
}
