package dev.llmcanary.api;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /metrics} next to Quarkus's {@code /q/metrics}: Prometheus' default scrape path, so a plain scrape config
 * (or blackbox-style tooling) finds it without a relabel. OpenMetrics (with exemplars) when the scraper asks for it.
 */
@Path("/metrics")
public class MetricsEndpoint {

    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Operation(summary = "Prometheus metrics (same content as /q/metrics)")
    public Response scrape(@HeaderParam("Accept") String accept) {
        if (accept != null && accept.contains("application/openmetrics-text")) {
            return Response.ok(OpenMetricsExemplars.keepAllowed(registry.scrape(OPENMETRICS))).type(OPENMETRICS).build();
        }
        return Response.ok(registry.scrape(TEXT)).type(TEXT).build();
    }
}
