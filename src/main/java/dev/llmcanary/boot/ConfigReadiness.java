package dev.llmcanary.boot;

import dev.llmcanary.canary.CatalogHolder;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until a valid configuration has loaded: a canary service without canaries must not take traffic. */
@Readiness
@ApplicationScoped
public class ConfigReadiness implements HealthCheck {

    private final CatalogHolder catalog;

    public ConfigReadiness(CatalogHolder catalog) {
        this.catalog = catalog;
    }

    @Override
    public HealthCheckResponse call() {
        return catalog.current()
                .map(c -> HealthCheckResponse.named("configuration").up()
                        .withData("canaries", c.canaries().size()).withData("pools", c.pools().size()).build())
                .orElseGet(() -> HealthCheckResponse.named("configuration").down()
                        .withData("reason", "no valid configuration has loaded; see the log for file:line errors")
                        .build());
    }
}
