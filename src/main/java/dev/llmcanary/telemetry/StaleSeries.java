package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Catalog;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.function.Consumer;

/**
 * After every change of the catalog (a reload, or discovery adding or removing endpoints), forgets what belonged to
 * pools, endpoints and canaries that are gone: each holder drops its own state and gauges (endpoint guards, health
 * results, success gauges, histograms), then the remaining counters labelled with them are removed. Memory and the
 * number of series therefore follow the configuration, however many endpoints came and went.
 */
public final class StaleSeries {

    private final MeterRegistry registry;
    private final List<Consumer<Catalog>> holders;

    /** @param holders each told the new catalog, to drop what it no longer configures */
    public StaleSeries(MeterRegistry registry, List<Consumer<Catalog>> holders) {
        this.registry = registry;
        this.holders = List.copyOf(holders);
    }

    public void prune(Catalog catalog) {
        holders.forEach(h -> h.accept(catalog));
        new ConfiguredSeries(catalog).removeStaleCounters(registry);
    }
}
