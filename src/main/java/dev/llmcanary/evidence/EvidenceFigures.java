package dev.llmcanary.evidence;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The normalized figures of one scrape of one endpoint.
 *
 * @param at     when the scrape was answered (wall clock)
 * @param values figure name to value; {@link Figure} names first, then any other Prometheus query names
 */
public record EvidenceFigures(Instant at, Map<String, Double> values) {
    public EvidenceFigures {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of a normalized figure, or {@code null}. */
    public Double get(Figure f) {
        return values.get(f.id());
    }
}
