package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes the counters of pools, endpoints, canaries and pool models a catalog no longer has, so discovery churn and
 * reloads neither grow the registry nor leave stale series on {@code /metrics}. Only counters are swept here: they
 * are registered afresh on every increment, whereas gauges and histograms belong to holders that drop their own
 * (a meter removed behind its holder's back would never come back).
 */
public final class ConfiguredSeries {

    private final Set<String> pools = new HashSet<>();
    private final Set<List<String>> endpoints = new HashSet<>();
    private final Set<List<String>> models = new HashSet<>();
    private final Set<String> canaries = new HashSet<>();

    public ConfiguredSeries(Catalog catalog) {
        for (Pool p : catalog.pools()) {
            pools.add(p.name());
            p.endpoints().forEach(e -> endpoints.add(List.of(p.name(), e.name())));
            p.models().forEach(m -> models.add(List.of(p.name(), m)));
        }
        for (CanaryDefinition d : catalog.canaries()) {
            canaries.add(d.id());
            for (Target t : catalog.targets(d)) {
                models.add(List.of(t.pool().name(), t.model()));
            }
        }
    }

    /** Removes every llm-canary counter labelled with something this catalog does not configure; returns how many. */
    public int removeStaleCounters(MeterRegistry registry) {
        int removed = 0;
        for (Meter m : List.copyOf(registry.getMeters())) {
            Meter.Id id = m.getId();
            if (id.getType() == Meter.Type.COUNTER && id.getName().startsWith("llm_canary_") && !configured(id)) {
                registry.remove(m);
                removed++;
            }
        }
        return removed;
    }

    private boolean configured(Meter.Id id) {
        String pool = id.getTag(MetricNames.POOL);
        String endpoint = id.getTag(MetricNames.ENDPOINT);
        String model = id.getTag(MetricNames.MODEL);
        String canary = id.getTag(MetricNames.CANARY);
        if (pool != null && !pools.contains(pool)) {
            return false;
        }
        if (pool != null && endpoint != null && !endpoints.contains(List.of(pool, endpoint))) {
            return false;
        }
        if (pool != null && model != null && !models.contains(List.of(pool, model))) {
            return false;
        }
        return canary == null || canaries.contains(canary);
    }
}
