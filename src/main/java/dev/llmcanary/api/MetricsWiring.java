package dev.llmcanary.api;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the scrape rule shared by {@code /metrics} and {@code /q/metrics}. */
public class MetricsWiring {

    @Produces
    @Singleton
    MetricsExposition exposition(PrometheusMeterRegistry registry) {
        return new MetricsExposition(registry);
    }
}
